// Sends encrypted notifications (RFC 8291 aes128gcm, VAPID RFC 8292) to the push services, at most 6
// waiting for headers at once (Cloudflare's limit per invocation, as the Graph client keeps it).
// 404/410: the browser dropped the subscription, so it is deleted; 429/5xx/network: retried later
// through the jobs queue; any other answer is logged and dropped (retrying would not change it).
import { buildPushPayload } from "@block65/webcrypto-web-push";
import { ConnectionLimit } from "../whatsapp/connection-limit";
import type { VapidConfig } from "./config";
import type { PushNotification } from "./notices";
import type { StoredSubscription } from "./store";

/** A push service that does not answer within this is treated like a 5xx. */
const TIMEOUT_MS = 10_000;

export interface PushMessage {
  notification: PushNotification;
  urgency: "normal" | "high";
  ttl: number;
}

export type SendResult =
  | { result: "sent" }
  | { result: "gone" }
  | { result: "retry"; retryAfterSeconds: number | null }
  | { result: "failed"; status: number };

function retryAfter(res: Response): number | null {
  const v = res.headers.get("retry-after");
  if (!v) return null;
  const seconds = /^\d+$/.test(v) ? Number(v) : Math.ceil((Date.parse(v) - Date.now()) / 1000);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : null;
}

export async function sendOne(vapid: VapidConfig, sub: StoredSubscription, msg: PushMessage, limit: ConnectionLimit): Promise<SendResult> {
  const payload = await buildPushPayload(
    { data: { ...msg.notification }, options: { ttl: msg.ttl, urgency: msg.urgency } },
    { endpoint: sub.endpoint, expirationTime: null, keys: { p256dh: sub.p256dh, auth: sub.auth } },
    vapid,
  );
  let res: Response;
  try {
    res = await limit.run(() => fetch(sub.endpoint, { method: "POST", headers: payload.headers, body: payload.body, signal: AbortSignal.timeout(TIMEOUT_MS) }));
  } catch (err) {
    console.warn("push service unreachable", new URL(sub.endpoint).host, String(err));
    return { result: "retry", retryAfterSeconds: null };
  }
  // The body is not needed; reading it frees the connection.
  await res.body?.cancel();
  if (res.ok) return { result: "sent" };
  if (res.status === 404 || res.status === 410) return { result: "gone" };
  if (res.status === 429 || res.status >= 500) return { result: "retry", retryAfterSeconds: retryAfter(res) };
  console.error(`push service refused a notification: ${res.status} from ${new URL(sub.endpoint).host}`);
  return { result: "failed", status: res.status };
}

/** Sends to every subscription in parallel within the connection limit; one result per subscription. */
export async function sendAll(vapid: VapidConfig, subs: StoredSubscription[], msg: PushMessage): Promise<{ sub: StoredSubscription; outcome: SendResult }[]> {
  const limit = new ConnectionLimit();
  return Promise.all(subs.map(async (sub) => ({ sub, outcome: await sendOne(vapid, sub, msg, limit) })));
}
