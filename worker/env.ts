// Bindings and configuration, in one place. The bindings, the [vars] of wrangler.toml and the
// secrets named in .dev.vars.example are typed by `npm run types` (wrangler types) in
// worker-configuration.d.ts; run it after changing either file (`npm test` fails while it is stale).
// Configuration is parsed with zod once per isolate.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the generated file is a global script, not a module: every program that compiles this file gets it
/// <reference path="../worker-configuration.d.ts" />
import { z } from "zod";

/**
 * Optional settings that are in neither wrangler.toml nor .dev.vars.example (wrangler types cannot
 * know them): a town sets them as variables or secrets when it needs them; each has a default below.
 */
interface OptionalSettings {
  WHATSAPP_BUSINESS_ACCOUNT_ID?: string;
  WHATSAPP_DISPLAY_NUMBER?: string;
  BROADCAST_STUCK_AFTER_SECONDS?: string;
  MESSAGING_TIER?: string;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  WIDGET_ALLOWED_ORIGINS?: string;
  MEDIA_RETENTION_DAYS?: string;
  SESSION_TTL_HOURS?: string;
  MAP_TILE_URL?: string;
  MAP_ATTRIBUTION?: string;
  MAP_DEFAULT_CENTER?: string;
  OPEN311_API_KEY?: string;
  /** Web Push for staff (worker/push/config.ts): off unless all three are set. */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- wrangler types declares Env in this namespace
  namespace Cloudflare {
    // Merged into the generated Env, so `env` from "cloudflare:workers" (tests included) knows them too.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
    interface Env extends OptionalSettings {}
  }
}

/** The product Worker's bindings and configuration (generated, plus the optional settings). */
export type Env = Cloudflare.Env;

/** "true"/"1" turns a feature on; anything else (or nothing) leaves it off. */
const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().optional().default(fallback);

export const configSchema = z.object({
  WHATSAPP_VERIFY_TOKEN: z.string().min(1, "WHATSAPP_VERIFY_TOKEN is not set"),
  WHATSAPP_APP_SECRET: z.string().min(1, "WHATSAPP_APP_SECRET is not set"),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1, "WHATSAPP_ACCESS_TOKEN is not set"),
  WHATSAPP_PHONE_NUMBER_ID: z.string().min(1, "WHATSAPP_PHONE_NUMBER_ID is not set"),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.string().optional().default(""),
  /** The public number citizens write to, digits only (for wa.me links). */
  WHATSAPP_DISPLAY_NUMBER: z.string().optional().default(""),
  WHATSAPP_API_BASE: z
    .url()
    .optional()
    .default("https://graph.facebook.com/v23.0")
    .transform((u) => u.replace(/\/+$/, "")),
  BROADCAST_RATE_PER_SECOND: positiveInt(80),
  /**
   * How long a send without a clear answer (lost answer, or a crash during the call) waits for
   * WhatsApp's status webhook before it is sent again: broadcasts and staff messages alike
   * (docs/delivery-guarantees.md).
   */
  BROADCAST_STUCK_AFTER_SECONDS: positiveInt(600),
  /** Meta's 24-hour limit of distinct citizens (250, 2000, 10000, 100000, or "unlimited"). */
  MESSAGING_TIER: z
    .union([z.literal("unlimited"), z.coerce.number().int().positive()])
    .optional()
    .default("unlimited"),
  ADMIN_EMAIL: z.string().optional().default(""),
  ADMIN_PASSWORD: z.string().optional().default(""),
  WIDGET_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  MEDIA_RETENTION_DAYS: z.coerce.number().int().nonnegative().optional().default(180),
  SESSION_TTL_HOURS: positiveInt(12),
  /** Map of incident reports in the staff app: tile server ({z}/{x}/{y}), its attribution, and the centre without reports. */
  MAP_TILE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http(s) URL")
    .refine((u) => ["{z}", "{x}", "{y}"].every((p) => u.includes(p)), "must contain {z}, {x} and {y}")
    .optional()
    .default("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
  MAP_ATTRIBUTION: z
    .string()
    .max(500)
    .optional()
    .default('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende'),
  MAP_DEFAULT_CENTER: z
    .string()
    .optional()
    .default("47.2692,11.4041")
    .transform((s, ctx) => {
      const m = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(s);
      const [lat, lng] = [Number(m?.[1]), Number(m?.[2])];
      if (!m || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
        ctx.addIssue({ code: "custom", message: 'must be "latitude,longitude", e.g. 47.2692,11.4041' });
        return z.NEVER;
      }
      return { latitude: lat, longitude: lng };
    }),
  /** The town's name in the public feeds and on /anzeige (docs/public-feeds-and-open311.md). */
  TOWN_NAME: z.string().trim().min(1).max(100).optional().default("Gemeinde"),
  /** Open311 GeoReport v2 (read-only) under /open311/v2: off unless "true". */
  OPEN311_ENABLED: flag,
  /** When set, Open311 clients must send it as ?api_key=. */
  OPEN311_API_KEY: z.string().optional().default(""),
  /** Web Push for staff: checked (and turned off when malformed) by worker/push/config.ts, which reads them without the WhatsApp settings. */
  VAPID_PUBLIC_KEY: z.string().optional().default(""),
  VAPID_PRIVATE_KEY: z.string().optional().default(""),
  VAPID_SUBJECT: z.string().optional().default(""),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<Env, Config>();

/** Parsed configuration; throws ConfigError naming every missing or malformed variable. */
export function getConfig(env: Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration: ${detail}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
