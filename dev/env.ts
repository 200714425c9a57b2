// The dev Worker's bindings and configuration. It stands where Meta stands, so it knows what Meta
// knows about the town's app (access token, app secret, ids) and nothing of the product's internals;
// its D1 and R2 bindings point at the product's local database and bucket only for the demo seed
// and for templates the town approved by hand (dev/wrangler.toml).
import { z } from "zod";
import type { WhatsAppSimulator } from "./simulator";

/** Service bindings also reach the target's cron handler (workerd supports it; the types omit it). */
interface ProductHandlers {
  scheduled(options: { scheduledTime?: Date; cron?: string }): Promise<unknown>;
}

export interface Env {
  SIMULATOR: DurableObjectNamespace<WhatsAppSimulator>;
  /** The product Worker: webhooks go to its /webhooks/whatsapp, every other request is passed on to it. */
  PRODUCT: Fetcher & ProductHandlers;
  /** The product's D1 database (same id, same local state). */
  DB: D1Database;
  /** The product's media bucket (same name, same local state). */
  MEDIA: R2Bucket;

  WHATSAPP_APP_SECRET?: string;
  WHATSAPP_ACCESS_TOKEN?: string;
  WHATSAPP_PHONE_NUMBER_ID?: string;
  WHATSAPP_BUSINESS_ACCOUNT_ID?: string;
  WHATSAPP_DISPLAY_NUMBER?: string;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  SIMULATOR_LOSE_ANSWERS?: string;
}

export const devConfigSchema = z.object({
  WHATSAPP_APP_SECRET: z.string().min(1, "WHATSAPP_APP_SECRET is not set"),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1, "WHATSAPP_ACCESS_TOKEN is not set"),
  WHATSAPP_PHONE_NUMBER_ID: z.string().min(1, "WHATSAPP_PHONE_NUMBER_ID is not set"),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.string().optional().default(""),
  WHATSAPP_DISPLAY_NUMBER: z.string().optional().default(""),
  ADMIN_EMAIL: z.string().optional().default(""),
  ADMIN_PASSWORD: z.string().optional().default(""),
  /** Opt-in fault: this share (0–1) of accepted sends is answered by a 504 without Meta's envelope. */
  SIMULATOR_LOSE_ANSWERS: z.coerce.number().min(0).max(1).optional().default(0),
});

export type DevConfig = z.infer<typeof devConfigSchema>;

export class DevConfigError extends Error {
  override name = "DevConfigError";
}

const cache = new WeakMap<Env, DevConfig>();

/** Parsed configuration; throws DevConfigError naming every missing or malformed variable. */
export function getConfig(env: Env): DevConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = devConfigSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new DevConfigError(`Invalid simulator configuration: ${detail}`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
