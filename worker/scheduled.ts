// Every minute (cron): recover work whose queue message was lost, and whatever else is due.
import { getDb } from "./db/client";
import { getConfig, type Env } from "./env";
import { inboxDeps } from "./inbox/deps";
import { staleUnprocessedMessages } from "./inbox/intake";
import { resendUnconfirmed } from "./inbox/unconfirmed";
import { stalePendingMedia } from "./media/fetch-inbound";
import { enqueueJobs } from "./queues/jobs";

export type ScheduledTask = (env: Env, scheduledTime: number) => Promise<void>;
const tasks: ScheduledTask[] = [recoverPendingMedia, recoverUnprocessedMessages, resendUnconfirmedMessages];

/** Work older than this without progress is assumed lost and enqueued again (jobs are idempotent). */
export const RECOVERY_AFTER_MS = 5 * 60_000;

/** Other modules (broadcast scheduler, retention) add their minute tasks here. */
export function registerScheduledTask(task: ScheduledTask): void {
  tasks.push(task);
}

export async function runScheduled(env: Env, scheduledTime: number): Promise<void> {
  const results = await Promise.allSettled(tasks.map((t) => t(env, scheduledTime)));
  for (const r of results) if (r.status === "rejected") console.error("scheduled task failed", r.reason);
}

async function recoverPendingMedia(env: Env): Promise<void> {
  const ids = await stalePendingMedia(getDb(env.DB), RECOVERY_AFTER_MS);
  await enqueueJobs(env.JOBS_QUEUE, ids.map((mediaId) => ({ type: "media.fetch", mediaId })));
}

async function recoverUnprocessedMessages(env: Env): Promise<void> {
  const ids = await staleUnprocessedMessages(getDb(env.DB), RECOVERY_AFTER_MS);
  await enqueueJobs(env.JOBS_QUEUE, ids.map((messageId) => ({ type: "inbound.process", messageId })));
}

/** Staff messages without WhatsApp's confirmation: sent again only after the wait (inbox/unconfirmed.ts). */
async function resendUnconfirmedMessages(env: Env, scheduledTime: number): Promise<void> {
  const waitMs = getConfig(env).BROADCAST_STUCK_AFTER_SECONDS * 1000;
  const retryBotReply = (messageId: string) => enqueueJobs(env.JOBS_QUEUE, [{ type: "inbound.process", messageId }]);
  await resendUnconfirmed({ ...inboxDeps(env), retryBotReply }, Math.max(scheduledTime, Date.now()), waitMs);
}
