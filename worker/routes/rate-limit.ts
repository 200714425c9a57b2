// Per-address limits for public endpoints through the Workers Rate Limiting binding ([[ratelimits]]
// in wrangler.toml): counted by Cloudflare per location, approximate, and without a D1 write per
// request. Staff sign-in keeps its exact per-account counting in D1 (auth/login-limits.ts); why each
// limit lives where it does is in docs/security.md.
import { createMiddleware } from "hono/factory";
import type { Env } from "../env";
import { RateLimited } from "../shared/errors";

/** The bindings of type RateLimit in Env. */
type LimiterName = { [K in keyof Env]-?: Env[K] extends RateLimit ? K : never }[keyof Env];

/** The binding's period is 10 or 60 seconds, so a minute is always enough to wait. */
const RETRY_AFTER_SECONDS = 60;

/**
 * What one address counts as: an IPv4 address itself; for IPv6 its /64 network, since one phone or
 * household gets a whole /64 and could otherwise change its address at will.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Refuses (429, Retry-After) an address that used up its requests under the binding `name`. */
export const limitPerAddress = (name: LimiterName) =>
  createMiddleware<{ Bindings: Env }>(async (c, next) => {
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const { success } = await c.env[name].limit({ key: clientKey(ip) });
    if (!success) {
      throw new RateLimited("rate_limited", "Zu viele Anfragen von diesem Anschluss. Bitte in einer Minute noch einmal versuchen.", {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    await next();
  });
