// Every minute (cron): recover work whose queue message was lost, and whatever else is due.
import { getDb } from "./db/client";
import type { Env } from "./env";
import { staleUnprocessedMessages } from "./inbox/intake";
import { stalePendingMedia } from "./media/fetch-inbound";
import { enqueueJobs } from "./queues/jobs";

export type ScheduledTask = (env: Env, scheduledTime: number) => Promise<void>;
const tasks: ScheduledTask[] = [recoverPendingMedia, recoverUnprocessedMessages];

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
