// Signs a VAPID JWT by hand (ES256), so the fake push service's checks can be tested on bad tokens.
import { b64url, fromB64url } from "./fake-push";

export async function sign(claims: Record<string, unknown>, privateKey: string, publicKey: string): Promise<string> {
  const raw = fromB64url(publicKey);
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: "P-256", x: b64url(raw.slice(1, 33)), y: b64url(raw.slice(33, 65)), d: privateKey },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const enc = new TextEncoder();
  const data = `${b64url(enc.encode(JSON.stringify({ typ: "JWT", alg: "ES256" })))}.${b64url(enc.encode(JSON.stringify(claims)))}`;
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, enc.encode(data));
  return `${data}.${b64url(sig)}`;
}
