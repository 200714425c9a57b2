// A VAPID key pair (RFC 8292: ECDSA P-256) with WebCrypto, in the form the Worker reads
// (worker/push/config.ts): the public key as the uncompressed point, the private key as d, both base64url.
import { webcrypto } from "node:crypto";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

export async function generateVapidKeys() {
  const { subtle } = webcrypto;
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await subtle.exportKey("jwk", pair.privateKey);
  const raw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  return { publicKey: b64url(raw), privateKey: jwk.d };
}
