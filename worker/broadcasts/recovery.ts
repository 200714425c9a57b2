// The broadcast work of the minute cron: start scheduled broadcasts that are due, continue
// tier-deferred recipients when the 24-hour window has room, and recover work that got lost.
//
// Sends without a clear answer. A recipient is marked `sending` right before its Graph call. When
// the answer is lost (timeout, reset, a gateway error without Meta's envelope) it becomes
// `unconfirmed`; when the consumer dies during the call it stays `sending`. Either way we cannot know
// locally whether WhatsApp accepted the message. WhatsApp can: every accepted message produces a
// "sent" status webhook carrying our callback data `b:<broadcastId>:<citizenId>`, which statuses.ts
// matches even without a wamid and so settles the row as sent/delivered/read (or failed). So such a
// row is never sent again at once: only after BROADCAST_STUCK_AFTER_SECONDS (default 10 minutes)
// passed with no status at all is it queued again (after MAX_SEND_ATTEMPTS tries it is given up).
// Meta delivers status webhooks within seconds and retries them when we are down, so by then an
// accepted message would have been reported. The one remaining risk (a status webhook delayed for
// longer than that) is a duplicate, chosen over silently losing the message; see
// docs/delivery-guarantees.md.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { getConfig, type Env } from "../env";
import { chunkMessages, enqueueQueued, finishIfComplete, lifecycleDeps, startScheduled, type LifecycleDeps } from "./lifecycle";
import { MAX_SEND_ATTEMPTS } from "./message";
import { pacerOf } from "./pacer";
import { publishProgress } from "./progress";
import { committedCitizensSql, messagingTier } from "./tier";

/** No recipient of a sending broadcast changed for this long while some are queued: its queue messages are lost. */
// Short: re-enqueueing is harmless (a recipient is claimed queued → sending once), and waiting only delays the town's message.
export const LOST_AFTER_MS = 30_000;
/** The cron runs every minute; an alert keeps priority for a little longer than that. */
const ALERT_CRON_LEASE_MS = 90_000;

/** Scheduled broadcasts whose time has come (alerts first). */
export async function startDueBroadcasts(deps: LifecycleDeps, now: number): Promise<string[]> {
  const due = await deps.db.all<{ id: string }>(sql`
    SELECT id FROM broadcasts WHERE status = 'scheduled' AND send_at <= ${now}
      AND (approval_state IS NULL OR approval_state = 'approved')
    ORDER BY kind = 'alert' DESC, send_at, id LIMIT 20`);
  const started: string[] = [];
  for (const { id } of due) {
    if (await startScheduled(deps, id)) started.push(id);
  }
  return started;
}

/** Rows `sending` or `unconfirmed` past the threshold with no status from WhatsApp go back to the queue (see above). */
export async function recoverStuckSending(deps: LifecycleDeps, now: number, stuckAfterMs: number): Promise<number> {
  const unsettled = sql`status IN ('sending', 'unconfirmed') AND sending_since < ${now - stuckAfterMs} AND wamid IS NULL`;
  const running = sql`broadcast_id IN (SELECT id FROM broadcasts WHERE status IN ('sending', 'paused'))`;
  // Every attempt used up without a word from WhatsApp: give up rather than go on for ever.
  await deps.db.run(sql`UPDATE broadcast_recipients SET status = 'failed', sending_since = NULL, failed_at = ${now}, updated_at = ${now},
      error_code = coalesce(error_code, 0),
      error_reason = ${`Von WhatsApp nie bestätigt (nach ${MAX_SEND_ATTEMPTS} Versuchen aufgegeben)`}
    WHERE ${unsettled} AND attempts >= ${MAX_SEND_ATTEMPTS} AND ${running}`);
  const rows = await deps.db.all<{ broadcast_id: string; citizen_id: string }>(sql`
    UPDATE broadcast_recipients SET sending_since = NULL, updated_at = ${now},
      error_reason = CASE WHEN status = 'unconfirmed' THEN 'Von WhatsApp nicht bestätigt – wird erneut gesendet'
                          ELSE 'Versand wurde unterbrochen – wird erneut versucht' END,
      status = 'queued'
    WHERE ${unsettled} AND ${running}
    RETURNING broadcast_id, citizen_id`);
  // A cancelled broadcast sends nothing more: its stuck rows are settled as skipped.
  await deps.db.run(sql`UPDATE broadcast_recipients SET status = 'skipped', sending_since = NULL, updated_at = ${now},
      error_reason = 'Aussendung abgebrochen (Versand war unterbrochen)'
    WHERE ${unsettled}
      AND broadcast_id IN (SELECT id FROM broadcasts WHERE status = 'cancelled')`);
  const byBroadcast = new Map<string, string[]>();
  for (const r of rows) byBroadcast.set(r.broadcast_id, [...(byBroadcast.get(r.broadcast_id) ?? []), r.citizen_id]);
  for (const [broadcastId, citizenIds] of byBroadcast) {
    await deps.enqueue(chunkMessages(broadcastId, citizenIds.sort()));
  }
  return rows.length;
}

/** Sending broadcasts with queued recipients but no progress for LOST_AFTER_MS: enqueue them again (claims make duplicates harmless). */
export async function recoverLostWork(deps: LifecycleDeps, now: number): Promise<string[]> {
  const stalled = await deps.db.all<{ id: string }>(sql`
    SELECT b.id FROM broadcasts b
    WHERE b.status = 'sending' AND b.updated_at < ${now - LOST_AFTER_MS}
      AND EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.status = 'queued')
      AND NOT EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.updated_at >= ${now - LOST_AFTER_MS})`);
  for (const { id } of stalled) {
    await enqueueQueued(deps.db, deps.enqueue, id);
    await deps.db.run(sql`UPDATE broadcasts SET updated_at = ${now} WHERE id = ${id}`);
  }
  return stalled.map((r) => r.id);
}

/**
 * Moves tier-deferred recipients back to queued as far as the rolling 24-hour window allows (alerts
 * first). Citizens already counted today cost nothing and always continue.
 */
export async function promoteDeferred(deps: LifecycleDeps, now: number): Promise<number> {
  const tier = await messagingTier(deps.db, getConfig(deps.env).MESSAGING_TIER);
  const waiting = await deps.db.all<{ id: string }>(sql`
    SELECT b.id FROM broadcasts b
    WHERE b.status = 'sending' AND EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.status = 'deferred')
    ORDER BY b.kind = 'alert' DESC, b.started_at, b.id`);
  let promoted = 0;
  for (const { id } of waiting) {
    const ids = await promoteOne(deps.db, id, tier === "unlimited" ? null : tier, now);
    if (ids.length === 0) continue;
    promoted += ids.length;
    await deps.enqueue(chunkMessages(id, ids));
    await publishProgress(deps.env, id, { force: true });
  }
  return promoted;
}

async function promoteOne(db: Db, broadcastId: string, tier: number | null, now: number): Promise<string[]> {
  // One statement: the room left in the window and the promotion are decided together.
  const rows = await db.all<{ citizen_id: string }>(sql`
    WITH committed AS (SELECT DISTINCT citizen_id FROM (${committedCitizensSql(now)})),
         chosen AS (
           SELECT citizen_id FROM broadcast_recipients
           WHERE broadcast_id = ${broadcastId} AND status = 'deferred'
           ORDER BY citizen_id IN (SELECT citizen_id FROM committed) DESC, citizen_id
           LIMIT (CASE WHEN ${tier} IS NULL THEN -1 ELSE
             (SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = ${broadcastId} AND status = 'deferred'
                AND citizen_id IN (SELECT citizen_id FROM committed))
             + max(0, ${tier} - (SELECT count(*) FROM committed)) END))
    UPDATE broadcast_recipients SET status = 'queued', updated_at = ${now}
    WHERE broadcast_id = ${broadcastId} AND status = 'deferred' AND citizen_id IN (SELECT citizen_id FROM chosen)
    RETURNING citizen_id`);
  return rows.map((r) => r.citizen_id).sort();
}

/** Alerts with work left keep their priority at the pacer even while their messages wait in the queue. */
async function renewAlertPriority(deps: LifecycleDeps): Promise<void> {
  const alerts = await deps.db.all<{ id: string }>(sql`
    SELECT b.id FROM broadcasts b WHERE b.kind = 'alert' AND b.status = 'sending'
      AND EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.status IN ('queued', 'sending'))`);
  const pacer = pacerOf(deps.env);
  for (const { id } of alerts) await pacer.prioritize(id, ALERT_CRON_LEASE_MS);
}

/** Safety net: a sending broadcast with nobody left is done, even if its last consumer died before saying so. */
async function finishCompleted(deps: LifecycleDeps): Promise<void> {
  const rows = await deps.db.all<{ id: string }>(sql`
    SELECT b.id FROM broadcasts b WHERE b.status = 'sending'
      AND NOT EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id AND r.status IN ('queued', 'sending', 'unconfirmed', 'deferred'))`);
  for (const { id } of rows) await finishIfComplete(deps, id);
}

/** The minute task (registered with the cron in register.ts). */
export async function runBroadcastMinute(env: Env, scheduledTime: number): Promise<void> {
  const deps = lifecycleDeps(env);
  const now = Math.max(scheduledTime, Date.now());
  const stuckAfterMs = getConfig(env).BROADCAST_STUCK_AFTER_SECONDS * 1000;
  await startDueBroadcasts(deps, scheduledTime);
  await recoverStuckSending(deps, now, stuckAfterMs);
  await recoverLostWork(deps, now);
  await promoteDeferred(deps, now);
  await renewAlertPriority(deps);
  await finishCompleted(deps);
}
