// Every minute (cron): recover work whose queue message was lost, and whatever else is due.
import { getDb } from "./db/client";
import type { Env } from "./env";
import { stalePendingMedia } from "./media/fetch-inbound";
import { enqueueJobs } from "./queues/jobs";

export type ScheduledTask = (env: Env, scheduledTime: number) => Promise<void>;
const tasks: ScheduledTask[] = [recoverPendingMedia];

/** Other modules (broadcast scheduler, retention) add their minute tasks here. */
export function registerScheduledTask(task: ScheduledTask): void {
  tasks.push(task);
}

export async function runScheduled(env: Env, scheduledTime: number): Promise<void> {
  const results = await Promise.allSettled(tasks.map((t) => t(env, scheduledTime)));
  for (const r of results) if (r.status === "rejected") console.error("scheduled task failed", r.reason);
}

async function recoverPendingMedia(env: Env): Promise<void> {
  const ids = await stalePendingMedia(getDb(env.DB), 5 * 60_000);
  await enqueueJobs(env.JOBS_QUEUE, ids.map((mediaId) => ({ type: "media.fetch", mediaId })));
}
