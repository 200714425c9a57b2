// Configuration of the public pages (feeds, /anzeige, Open311), parsed apart from the rest so they keep
// working while WhatsApp variables are still missing (as the widget's API does).
import type { z } from "zod";
import { configSchema, ConfigError, type Env } from "../env";

const publicConfigSchema = configSchema.pick({ TOWN_NAME: true, OPEN311_ENABLED: true, OPEN311_API_KEY: true });
export type PublicConfig = z.infer<typeof publicConfigSchema>;
const cache = new WeakMap<Env, PublicConfig>();

export function publicConfig(env: Env): PublicConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = publicConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  cache.set(env, parsed.data);
  return parsed.data;
}

/** A weak ETag over the exact bytes sent, so a withdrawn entry changes it as surely as a new one. */
export async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `W/"${hex}"`;
}

/** True when the client's If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => strip(t) === strip(etag));
}
