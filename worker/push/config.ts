// VAPID keys (RFC 8292) from the configuration. Web Push is off unless all three are set and valid;
// the staff app then says notifications are not set up. `npm run vapid:keys` makes a pair.
import { z } from "zod";
import type { Env } from "../env";

export interface VapidConfig {
  /** Uncompressed P-256 public key (65 bytes), base64url: the browser's applicationServerKey. */
  publicKey: string;
  /** The private scalar d (32 bytes), base64url. */
  privateKey: string;
  /** mailto: or https: contact for the push services (RFC 8292 §2.1). */
  subject: string;
}

const base64url = (bytes: number, first?: number) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/)
    .refine((s) => {
      const raw = decodeBase64Url(s);
      return raw !== null && raw.byteLength === bytes && (first === undefined || raw[0] === first);
    });

const vapidSchema = z.object({
  VAPID_PUBLIC_KEY: base64url(65, 0x04),
  VAPID_PRIVATE_KEY: base64url(32),
  VAPID_SUBJECT: z
    .string()
    .trim()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/),
});

export function decodeBase64Url(s: string): Uint8Array | null {
  try {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const cache = new WeakMap<Env, VapidConfig | null>();

/** The VAPID keys, or null when Web Push is not set up (missing or malformed keys are logged once). */
export function vapidConfig(env: Env): VapidConfig | null {
  if (cache.has(env)) return cache.get(env) ?? null;
  let config: VapidConfig | null = null;
  if (env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY || env.VAPID_SUBJECT) {
    const parsed = vapidSchema.safeParse(env);
    if (parsed.success) {
      config = { publicKey: parsed.data.VAPID_PUBLIC_KEY, privateKey: parsed.data.VAPID_PRIVATE_KEY, subject: parsed.data.VAPID_SUBJECT };
    } else {
      console.error(`Web Push is off: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")} missing or malformed (npm run vapid:keys makes a key pair)`);
    }
  }
  cache.set(env, config);
  return config;
}
