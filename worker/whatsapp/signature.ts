// X-Hub-Signature-256: HMAC-SHA256 of the raw request bytes with the app secret.
const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length !== 64 || !/^[0-9a-f]+$/i.test(hex)) return null;
  const out = new Uint8Array(new ArrayBuffer(32));
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * Checks the header against the raw body bytes. `crypto.subtle.verify` compares in constant time;
 * the body is never re-serialised, because Meta signs its own escaping of unicode.
 */
export async function verifySignature(
  rawBody: ArrayBuffer | Uint8Array<ArrayBuffer>,
  header: string | null | undefined,
  appSecret: string,
): Promise<boolean> {
  if (!header?.startsWith("sha256=")) return false;
  const expected = hexToBytes(header.slice("sha256=".length));
  if (!expected) return false;
  const key = await hmacKey(appSecret, "verify");
  return crypto.subtle.verify("HMAC", key, expected, rawBody);
}

/** The header value Meta would send for this body (used by the simulator and tests). */
export async function signBody(rawBody: string | Uint8Array<ArrayBuffer>, appSecret: string): Promise<string> {
  const bytes = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody;
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(appSecret, "sign"), bytes);
  return `sha256=${[...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Compares a given secret with the expected one in constant time, the same way as the signature:
 * the expected value is MACed under a one-off random key, and `crypto.subtle.verify` checks the
 * given value against that MAC (constant time, and the lengths leak nothing).
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(expected));
  return crypto.subtle.verify("HMAC", key, mac, encoder.encode(given));
}
