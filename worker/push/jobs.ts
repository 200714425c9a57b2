// The push jobs of the jobs queue. "push.notice": work out who gets a notice and send to all their
// devices; devices whose push service asked to wait get a "push.send" job each, retried with backoff.
import type { Db } from "../db/client";
import type { StaffNotice } from "../shared/staff-notice";
import type { VapidConfig } from "./config";
import { sendAll, sendOne, type PushMessage } from "./deliver";
import { deliveryFor } from "./notices";
import { forgetSubscription, getSubscription } from "./store";
import { ConnectionLimit } from "../whatsapp/connection-limit";

/** A notification hours late is no help: after this many tries a device is skipped. */
export const MAX_PUSH_ATTEMPTS = 5;

export interface PushJobDeps {
  db: Db;
  vapid: VapidConfig | null;
  /** Queues a retry of one device after `delaySeconds`. */
  retryLater: (subscriptionId: string, message: PushMessage, delaySeconds: number) => Promise<void>;
}

/** Backoff for a device that asked to wait (429/5xx): its Retry-After, else 30 s, 60 s, 120 s … up to 15 min. */
export const backoffSeconds = (attempt: number, retryAfter: number | null) => retryAfter ?? Math.min(30 * 2 ** Math.max(0, attempt - 1), 900);

export async function runPushNotice(deps: PushJobDeps, notice: StaffNotice): Promise<void> {
  if (!deps.vapid) return;
  const delivery = await deliveryFor(deps.db, notice);
  if (!delivery || delivery.subscriptions.length === 0) return;
  const message: PushMessage = { notification: delivery.notification, urgency: delivery.urgency, ttl: delivery.ttl };
  const results = await sendAll(deps.vapid, delivery.subscriptions, message);
  for (const { sub, outcome } of results) {
    if (outcome.result === "gone") await forgetSubscription(deps.db, sub.id);
    if (outcome.result === "retry") await deps.retryLater(sub.id, message, backoffSeconds(1, outcome.retryAfterSeconds));
  }
}

/** One device again; "retry" asks the queue to redeliver this job after the delay. */
export async function runPushSend(
  deps: Omit<PushJobDeps, "retryLater">,
  subscriptionId: string,
  message: PushMessage,
  attempts: number,
): Promise<"done" | { retryAfterSeconds: number }> {
  if (!deps.vapid) return "done";
  const sub = await getSubscription(deps.db, subscriptionId);
  if (!sub) return "done";
  const outcome = await sendOne(deps.vapid, sub, message, new ConnectionLimit());
  if (outcome.result === "gone") await forgetSubscription(deps.db, sub.id);
  if (outcome.result !== "retry") return "done";
  // attempts counts this job's deliveries; the first try was in push.notice.
  if (attempts + 1 >= MAX_PUSH_ATTEMPTS) {
    console.warn(`push to ${new URL(sub.endpoint).host} given up after ${attempts + 1} tries`);
    return "done";
  }
  return { retryAfterSeconds: backoffSeconds(attempts + 1, outcome.retryAfterSeconds) };
}
