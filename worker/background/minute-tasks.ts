// The minute cron's tasks that need wiring from env to a module's deps. worker/index.ts lists every
// task it runs; each one is independent, and one failing does not stop the others.
import { applyAuditRetention } from "../audit/retention";
import { cleanupAuthTables } from "../auth/cleanup";
import { runDailyCleanup } from "../citizens/retention";
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { inboxDeps } from "../inbox/deps";
import { staleUnprocessedMessages } from "../intake/webhook-events";
import { resendUnconfirmed } from "../inbox/unconfirmed";
import { sweepMediaDeletions } from "../media/deletions";
import { stalePendingMedia } from "../media/fetch-inbound";
import { enqueueJobs } from "../queues/jobs";
import { sendDueScheduled } from "../inbox/scheduled-notices";

export type MinuteTask = (env: Env, scheduledTime: number) => Promise<void>;

/** Work older than this without progress is assumed lost and enqueued again (jobs are idempotent). */
export const RECOVERY_AFTER_MS = 5 * 60_000;

export async function runMinuteTasks(env: Env, scheduledTime: number, tasks: readonly MinuteTask[]): Promise<void> {
  const results = await Promise.allSettled(tasks.map((t) => t(env, scheduledTime)));
  for (const r of results) if (r.status === "rejected") console.error("scheduled task failed", r.reason);
}

/** Photos whose fetch job was lost. */
export async function recoverPendingMedia(env: Env): Promise<void> {
  const ids = await stalePendingMedia(getDb(env.DB), RECOVERY_AFTER_MS);
  await enqueueJobs(env.JOBS_QUEUE, ids.map((mediaId) => ({ type: "media.fetch", mediaId })));
}

/** Inbound messages whose keyword job was lost. */
export async function recoverUnprocessedMessages(env: Env): Promise<void> {
  const ids = await staleUnprocessedMessages(getDb(env.DB), RECOVERY_AFTER_MS);
  await enqueueJobs(env.JOBS_QUEUE, ids.map((messageId) => ({ type: "inbound.process", messageId })));
}

/** Staff messages without WhatsApp's confirmation: sent again only after the wait (inbox/unconfirmed.ts). */
export async function resendUnconfirmedMessages(env: Env, scheduledTime: number): Promise<void> {
  const waitMs = getConfig(env).BROADCAST_STUCK_AFTER_SECONDS * 1000;
  const retryBotReply = (messageId: string) => enqueueJobs(env.JOBS_QUEUE, [{ type: "inbound.process", messageId }]);
  await resendUnconfirmed({ ...inboxDeps(env), retryBotReply }, Math.max(scheduledTime, Date.now()), waitMs);
}

/** Expired sessions and old sign-in rate-limit windows. */
export async function cleanupAuth(env: Env, scheduledTime: number): Promise<void> {
  await cleanupAuthTables(getDb(env.DB), scheduledTime);
}

/** Once a day (Vienna): photo retention, expired sign-up codes, old widget counters. */
export async function dailyCleanup(env: Env, scheduledTime: number): Promise<void> {
  const result = await runDailyCleanup(
    { db: getDb(env.DB), bucket: env.MEDIA, retentionDays: getConfig(env).MEDIA_RETENTION_DAYS },
    scheduledTime,
  );
  if (result) console.log("daily cleanup", JSON.stringify(result));
}

/** R2 objects whose deletion R2 refused earlier. */
export async function sweepDeletedMedia(env: Env): Promise<void> {
  const result = await sweepMediaDeletions(getDb(env.DB), env.MEDIA);
  if (result.objects || result.pending) console.log("media deletions swept", JSON.stringify(result));
}

/** Audit trail rows past the town's retention setting (docs/trust.md). */
export async function auditRetention(env: Env, scheduledTime: number): Promise<void> {
  await applyAuditRetention(getDb(env.DB), scheduledTime);
}

/** Report status news whose queue wake-up was lost: sent once their undo time has passed. */
export async function sendDueStatusNews(env: Env, scheduledTime: number): Promise<void> {
  await sendDueScheduled(inboxDeps(env), Math.max(scheduledTime, Date.now()));
}
