// A fake push service (FCM/Mozilla/Apple) for tests, as strict as the real ones: it checks the VAPID
// JWT (RFC 8292: ES256 signature with the key in `k`, aud = the push service's origin, exp within 24 h),
// the headers (TTL, Urgency, aes128gcm), the size (4096 bytes), and DECRYPTS the body (RFC 8291) with
// the browser's private key, as the browser would; a body it cannot decrypt fails the test.
// Installed as the global fetch for the push service hosts; other URLs go on to the real fetch.
import { isPushServiceUrl } from "../../worker/push/endpoint";

const enc = new TextEncoder();
const dec = new TextDecoder();

export const b64url = (bytes: ArrayBuffer | Uint8Array): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
export const fromB64url = (s: string): Uint8Array<ArrayBuffer> => {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/** A VAPID key pair as `npm run vapid:keys` prints it. */
export async function vapidKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { publicKey: b64url(raw), privateKey: jwk.d! };
}

/** What a browser's pushManager.subscribe() gives, plus the private key it keeps to decrypt. */
export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  privateKey: CryptoKey;
}

let seq = 0;
export async function browserSubscription(host = "fcm.googleapis.com"): Promise<BrowserSubscription> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  const path = host === "fcm.googleapis.com" ? "/fcm/send/" : "/wpush/v2/";
  return { endpoint: `https://${host}${path}${++seq}-${crypto.randomUUID()}`, keys: { p256dh: b64url(raw), auth: b64url(auth) }, privateKey: pair.privateKey };
}

async function hmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

/** RFC 8291 §3.4 + RFC 8188: decrypts one aes128gcm body with the browser's keys. Throws on anything malformed. */
export async function decryptPush(body: Uint8Array<ArrayBuffer>, sub: BrowserSubscription): Promise<string> {
  const salt = body.slice(0, 16);
  const rs = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0);
  const idlen = body[20]!;
  if (idlen !== 65) throw new Error(`keyid of ${idlen} bytes, RFC 8291 wants the 65-byte sender key`);
  const asPublic = body.slice(21, 21 + idlen);
  const record = body.slice(21 + idlen);
  if (record.byteLength > rs) throw new Error("more than one record");
  const uaPublic = fromB64url(sub.keys.p256dh);
  const authSecret = fromB64url(sub.keys.auth);
  const asKey = await crypto.subtle.importKey("raw", asPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdh = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: asKey }, sub.privateKey, 256));
  const prkKey = await hmac(authSecret, ecdh);
  const ikm = await hmac(prkKey, concat(enc.encode("WebPush: info\0"), uaPublic, asPublic, new Uint8Array([1])));
  const prk = await hmac(salt, ikm);
  const cek = (await hmac(prk, concat(enc.encode("Content-Encoding: aes128gcm\0"), new Uint8Array([1])))).slice(0, 16);
  const nonce = (await hmac(prk, concat(enc.encode("Content-Encoding: nonce\0"), new Uint8Array([1])))).slice(0, 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, record));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("last record does not end with the 0x02 delimiter");
  return dec.decode(padded.slice(0, end));
}

/** RFC 8292: checks `Authorization: vapid t=<jwt>, k=<key>`; returns why not, or null when valid. */
export async function vapidProblem(authorization: string | null, endpoint: string, expectedKey: string, now = Date.now()): Promise<string | null> {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!m) return `no vapid authorization: ${authorization}`;
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== expectedKey) return "k is not the server's public key";
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) return "malformed JWT";
  const header = JSON.parse(dec.decode(fromB64url(h))) as { alg?: string; typ?: string };
  if (header.alg !== "ES256") return `alg ${header.alg}`;
  const claims = JSON.parse(dec.decode(fromB64url(p))) as { aud?: string; exp?: number; sub?: string };
  if (claims.aud !== new URL(endpoint).origin) return `aud ${claims.aud} is not ${new URL(endpoint).origin}`;
  const nowS = Math.floor(now / 1000);
  if (typeof claims.exp !== "number" || claims.exp <= nowS || claims.exp > nowS + 24 * 3600) return `exp ${claims.exp} not within 24 h`;
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) return `sub ${claims.sub}`;
  const pub = await crypto.subtle.importKey("raw", fromB64url(k), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, fromB64url(s), enc.encode(`${h}.${p}`));
  return ok ? null : "bad signature";
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted JSON the service worker gets. */
  data: { title: string; body: string; url: string; tag: string };
  ttl: number;
  urgency: string | null;
}

type Answer = { status: number; retryAfter?: string };

export function installFakePush(vapidPublicKey: string) {
  const subs = new Map<string, BrowserSubscription>();
  const received: ReceivedPush[] = [];
  /** Anything a real push service would refuse, or a browser could not decrypt. */
  const problems: string[] = [];
  const scripted = new Map<string, Answer[]>();
  const load = { inFlight: 0, peak: 0, count: 0 };
  let headersAfterMs = 0;
  const original = globalThis.fetch;

  // A plain wrapper, not vi.spyOn: the fake Graph API spies on fetch too, and a second spyOn of the
  // same function would replace this one instead of wrapping it.
  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!isPushServiceUrl(url)) return original(input, init);
    load.inFlight++;
    load.count++;
    load.peak = Math.max(load.peak, load.inFlight);
    try {
      if (headersAfterMs > 0) await new Promise((r) => setTimeout(r, headersAfterMs));
      return await answer(new Request(input, init));
    } finally {
      load.inFlight--;
    }
  };
  globalThis.fetch = fake as typeof fetch;

  async function answer(req: Request): Promise<Response> {
    const refuse = (status: number, why: string) => {
      problems.push(why);
      return new Response(why, { status });
    };
    if (req.method !== "POST") return refuse(405, `method ${req.method}`);
    const why = await vapidProblem(req.headers.get("authorization"), req.url, vapidPublicKey);
    if (why) return refuse(403, why);
    const ttl = req.headers.get("ttl");
    if (!ttl || !/^\d+$/.test(ttl)) return refuse(400, "TTL header missing");
    const urgency = req.headers.get("urgency");
    if (urgency !== null && !["very-low", "low", "normal", "high"].includes(urgency)) return refuse(400, `urgency ${urgency}`);
    if (req.headers.get("content-encoding") !== "aes128gcm") return refuse(400, "content-encoding is not aes128gcm");
    const body = new Uint8Array(await req.arrayBuffer());
    if (body.byteLength > 4096) return refuse(413, `body of ${body.byteLength} bytes`);
    const next = scripted.get(req.url)?.shift();
    if (next) return new Response(null, { status: next.status, headers: next.retryAfter ? { "retry-after": next.retryAfter } : {} });
    const sub = subs.get(req.url);
    if (!sub) return new Response("subscription not found", { status: 410 });
    try {
      const data = JSON.parse(await decryptPush(body, sub)) as ReceivedPush["data"];
      received.push({ endpoint: req.url, data, ttl: Number(ttl), urgency });
    } catch (err) {
      return refuse(201, `the browser could not decrypt: ${String(err)}`);
    }
    return new Response(null, { status: 201, headers: { location: `${req.url}/m/${received.length}` } });
  }

  return {
    received,
    problems,
    load,
    /** A browser subscribes: the push service knows the endpoint from now on. */
    async subscribe(host?: string): Promise<BrowserSubscription> {
      const sub = await browserSubscription(host);
      subs.set(sub.endpoint, sub);
      return sub;
    },
    /** The browser dropped it (the next push gets 410). */
    unsubscribe(endpoint: string) {
      subs.delete(endpoint);
    },
    /** The next answers for one endpoint (then normal service again). */
    answerWith(endpoint: string, ...answers: Answer[]) {
      scripted.set(endpoint, [...(scripted.get(endpoint) ?? []), ...answers]);
    },
    headersAfter(ms: number) {
      headersAfterMs = ms;
    },
    restore: () => {
      globalThis.fetch = original;
    },
  };
}
export type FakePush = ReturnType<typeof installFakePush>;
