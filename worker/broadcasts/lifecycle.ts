// A broadcast's life after composing: start (materialise recipients once, enqueue them in chunks),
// pause, resume, cancel, and done. Every transition is one conditional UPDATE, so two staff members
// (or staff and the cron) acting at once cannot both win.
import { sql } from "drizzle-orm";
import { activeSubscribersQuery } from "../citizens/subscriptions";
import { batchSql, getDb, type Db } from "../db/client";
import { getConfig, type Env } from "../env";
import { sendAll } from "../queues/send";
import { DomainError, InvalidState, RuleViolation } from "../shared/errors";
import { getBroadcastRow, type BroadcastRow } from "./compose";
import { pacerOf } from "./pacer";
import { senderNames } from "./sender";
import { publishProgress } from "./progress";
import type { ChunkMessage } from "./schemas";
import { committedCitizensSql, messagingTier } from "./tier";
import { raiseCustomAlert } from "../alerts/admin-alerts";
import { publishToRoom } from "../inbox/publish";
import { checkStartable } from "./delivery";
import { checkTemplateRef } from "../templates/store";
import { checkApproval, markPendingForCron } from "./approval";
import { publishApproval } from "./approval-events";
import { recordAudit } from "../audit/log";

/** Recipients per queue message: about a second of sending at the default rate. */
export const CHUNK_SIZE = 100;

export interface Enqueuer {
  (messages: ChunkMessage[], delaySeconds?: number): Promise<void>;
}

export function queueEnqueuer(queue: Queue<unknown>): Enqueuer {
  // sendAll keeps every call within the queue's 100 messages and 256 KB.
  return (messages, delaySeconds) => sendAll(queue, messages, delaySeconds ? { delaySeconds } : undefined);
}

/**
 * Enqueues chunks on the queue of their broadcast's kind: alerts on ALERT_QUEUE, everything else on
 * BROADCAST_QUEUE. Alerts have their own queue (and consumer) so that they never wait behind a
 * newsletter's backlog of chunks; one D1 read per call finds which broadcasts are alerts.
 */
export function broadcastEnqueuer(env: Pick<Env, "BROADCAST_QUEUE" | "ALERT_QUEUE">, db: Db): Enqueuer {
  const toNewsletters = queueEnqueuer(env.BROADCAST_QUEUE);
  const toAlerts = queueEnqueuer(env.ALERT_QUEUE);
  return async (messages, delaySeconds) => {
    if (messages.length === 0) return;
    const ids = [...new Set(messages.map((m) => m.broadcastId))];
    const rows = await db.all<{ id: string }>(sql`
      SELECT id FROM broadcasts WHERE kind = 'alert' AND id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
    const alerts = new Set(rows.map((r) => r.id));
    await toAlerts(messages.filter((m) => alerts.has(m.broadcastId)), delaySeconds);
    await toNewsletters(messages.filter((m) => !alerts.has(m.broadcastId)), delaySeconds);
  };
}

export function chunkMessages(broadcastId: string, citizenIds: string[]): ChunkMessage[] {
  const out: ChunkMessage[] = [];
  for (let i = 0; i < citizenIds.length; i += CHUNK_SIZE) {
    out.push({ type: "broadcast.chunk", broadcastId, citizenIds: citizenIds.slice(i, i + CHUNK_SIZE) });
  }
  return out;
}

/** Enqueues every recipient still queued (after start, resume, or when the cron finds lost work). */
export async function enqueueQueued(db: Db, enqueue: Enqueuer, broadcastId: string): Promise<number> {
  let after = "";
  let total = 0;
  for (;;) {
    const rows = await db.all<{ citizen_id: string }>(sql`
      SELECT citizen_id FROM broadcast_recipients
      WHERE broadcast_id = ${broadcastId} AND status = 'queued' AND citizen_id > ${after}
      ORDER BY citizen_id LIMIT 5000`);
    if (rows.length === 0) return total;
    await enqueue(chunkMessages(broadcastId, rows.map((r) => r.citizen_id)));
    total += rows.length;
    after = rows[rows.length - 1]!.citizen_id;
  }
}

export interface LifecycleDeps {
  env: Env;
  db: Db;
  enqueue: Enqueuer;
}

export const lifecycleDeps = (env: Env): LifecycleDeps => {
  const db = getDb(env.DB);
  return { env, db, enqueue: broadcastEnqueuer(env, db) };
};

/** The state a broadcast is in, as the staff app names it. */
const STATE_WORD: Record<string, string> = {
  draft: "ein Entwurf",
  scheduled: "geplant",
  sending: "wird gerade gesendet",
  paused: "pausiert",
  done: "fertig gesendet",
  cancelled: "abgebrochen",
};

const wrongState = (action: string, status: string) =>
  new InvalidState(
    "invalid_state",
    `${action} geht jetzt nicht: Die Aussendung ist ${STATE_WORD[status] ?? "in einem anderen Zustand"}. Bitte die Seite neu laden.`,
    { status },
  );

/**
 * One INSERT … SELECT in D1 (no rows through the Worker, whatever the audience's size): one row per
 * citizen with an active subscription to any target channel, only if this start (`now`) won. With a
 * messaging tier (`cap`), citizens beyond it are `deferred`; without one (the default), the cheaper
 * statement skips ranking the audience against the citizens already reached today.
 */
function materialiseRecipients(id: string, channelIds: string[], cap: number | null, now: number) {
  const won = sql`EXISTS (SELECT 1 FROM broadcasts WHERE id = ${id} AND status = 'sending' AND started_at = ${now})`;
  if (cap === null) {
    return sql`INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, updated_at)
        SELECT ${id}, citizen_id, 'queued', ${now} FROM (${activeSubscribersQuery(channelIds)})
        WHERE ${won}
        ON CONFLICT DO NOTHING`;
  }
  return sql`WITH committed AS (SELECT DISTINCT citizen_id FROM (${committedCitizensSql(now)})),
             audience AS (${activeSubscribersQuery(channelIds)}),
             ranked AS (
               SELECT citizen_id, citizen_id IN (SELECT citizen_id FROM committed) AS free,
                      row_number() OVER (PARTITION BY citizen_id IN (SELECT citizen_id FROM committed) ORDER BY citizen_id) AS rn
               FROM audience)
        INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, updated_at)
        SELECT ${id}, citizen_id,
               CASE WHEN free OR rn <= max(0, ${cap} - (SELECT count(*) FROM committed)) THEN 'queued' ELSE 'deferred' END,
               ${now}
        FROM ranked
        WHERE ${won}
        ON CONFLICT DO NOTHING`;
}

/**
 * Starts a draft or scheduled broadcast. In ONE D1 transaction: mark it sending, and insert one
 * recipient row per citizen with an active subscription to any target channel (a citizen in two
 * channels once; unsubscribed or erased citizens never). Citizens beyond today's messaging tier
 * are inserted as `deferred` and continue the next day. Returns null when it was not startable
 * (already started by someone else).
 */
export async function startBroadcast(deps: LifecycleDeps, id: string, now = Date.now()): Promise<BroadcastRow | null> {
  const { db, env } = deps;
  const row = await getBroadcastRow(db, id);
  if (row.status !== "draft" && row.status !== "scheduled") return null;
  // WhatsApp's rules first: a template that is no longer approved, or free text to people outside
  // the window, refuses the start (422) instead of failing for most recipients.
  if (row.template) await checkTemplateRef(db, row.template);
  await checkStartable(db, row, now);
  // Four eyes: refused (409) before anything is written; the UPDATE below checks the approval again.
  const approved = await checkApproval(db, row);
  const tier = await messagingTier(db, getConfig(env).MESSAGING_TIER);
  const cap = tier === "unlimited" ? null : tier;
  const results = await batchSql(db, [
    sql`UPDATE broadcasts SET status = 'sending', started_at = ${now}, updated_at = ${now}
        WHERE id = ${id} AND status IN ('draft', 'scheduled') AND ${approved}`,
    materialiseRecipients(id, row.channelIds, cap, now),
    sql`UPDATE broadcasts SET recipient_count = (SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = ${id})
        WHERE id = ${id} AND started_at = ${now}`,
  ]);
  if ((results[0]?.meta.changes ?? 0) === 0) return null;
  if (row.kind === "alert") await pacerOf(env).prioritize(id);
  await enqueueQueued(db, deps.enqueue, id);
  await finishIfComplete(deps, id);
  await publishProgress(env, id, { force: true });
  return getBroadcastRow(db, id);
}

/**
 * The cron starts a scheduled broadcast. One that WhatsApp would refuse (its template was paused,
 * disabled or rejected meanwhile, or free text meets citizens outside the window) goes back to draft
 * with an admin alert instead of failing for its recipients.
 */
export async function startScheduled(deps: LifecycleDeps, id: string, now = Date.now()): Promise<BroadcastRow | null> {
  try {
    const started = await startBroadcast(deps, id, now);
    // The audit trail (docs/trust.md): the scheduled start has no person behind it.
    if (started) await recordAudit(deps.db, { actorId: null, actorName: "Zeitplan", action: "broadcast.start_scheduled", targetType: "broadcast", targetId: id });
    return started;
  } catch (err) {
    if (err instanceof DomainError && err.code === "approval_required") {
      // Never started without the second person: it waits for approval, and approvers are told.
      const pending = await markPendingForCron(deps.db, id, now);
      if (pending) await publishApproval(deps.env, deps.db, pending);
      return null;
    }
    if (!(err instanceof RuleViolation)) throw err;
    const back = await deps.db.get<{ title: string }>(sql`
      UPDATE broadcasts SET status = 'draft', updated_at = ${now} WHERE id = ${id} AND status = 'scheduled' RETURNING title`);
    if (back) {
      const event = await raiseCustomAlert(deps.db, `broadcast_not_started:${id}`, `Die geplante Aussendung „${back.title}“ wurde nicht gestartet: ${err.message}`);
      await publishToRoom(deps.env, [event]).catch(() => undefined);
      await publishProgress(deps.env, id, { force: true });
    }
    return null;
  }
}

/** Staff pressed "Jetzt senden". */
export async function sendNow(deps: LifecycleDeps, id: string): Promise<BroadcastRow> {
  const started = await startBroadcast(deps, id);
  if (!started) throw wrongState("Senden", (await getBroadcastRow(deps.db, id)).status);
  return started;
}

/** Marks the broadcast done once nobody is left to send to (deferred ones still count as left). */
export async function finishIfComplete(deps: Pick<LifecycleDeps, "db" | "env">, id: string, now = Date.now()): Promise<boolean> {
  const row = await deps.db.get<{ id: string; kind: string }>(sql`
    UPDATE broadcasts SET status = 'done', finished_at = ${now}, updated_at = ${now}
    WHERE id = ${id} AND status = 'sending'
      AND NOT EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ${id} AND status IN ('queued', 'sending', 'unconfirmed', 'deferred'))
    RETURNING id, kind`);
  if (!row) return false;
  if (row.kind === "alert") await pacerOf(deps.env).release(id);
  await publishProgress(deps.env, id, { force: true });
  return true;
}

/** Consumers stop within a second or two; everything already sent stays sent, the rest stays queued. */
export async function pauseBroadcast(deps: LifecycleDeps, id: string, now = Date.now()): Promise<BroadcastRow> {
  const changed = await deps.db.get<{ kind: string }>(sql`
    UPDATE broadcasts SET status = 'paused', updated_at = ${now} WHERE id = ${id} AND status = 'sending' RETURNING kind`);
  if (!changed) throw wrongState("Pausieren", (await getBroadcastRow(deps.db, id)).status);
  await stopAtPacer(deps.env, id, changed.kind);
  await publishProgress(deps.env, id, { force: true });
  return getBroadcastRow(deps.db, id);
}

/** Continues exactly where it stopped: only recipients still queued are enqueued again. */
export async function resumeBroadcast(deps: LifecycleDeps, id: string, now = Date.now()): Promise<BroadcastRow> {
  const changed = await deps.db.get<{ kind: string }>(sql`
    UPDATE broadcasts SET status = 'sending', updated_at = ${now} WHERE id = ${id} AND status = 'paused' RETURNING kind`);
  if (!changed) throw wrongState("Fortsetzen", (await getBroadcastRow(deps.db, id)).status);
  if (changed.kind === "alert") await pacerOf(deps.env).prioritize(id);
  await enqueueQueued(deps.db, deps.enqueue, id);
  await finishIfComplete(deps, id);
  await publishProgress(deps.env, id, { force: true });
  return getBroadcastRow(deps.db, id);
}

/**
 * Cancels a broadcast that is not finished. Recipients not yet sent are marked skipped in the same
 * transaction, so no consumer can claim one afterwards: sending stops at once (sends already on
 * their way to WhatsApp complete).
 */
export async function cancelBroadcast(deps: LifecycleDeps, id: string, now = Date.now()): Promise<BroadcastRow> {
  const results = await batchSql(deps.db, [
    sql`UPDATE broadcasts SET status = 'cancelled', finished_at = ${now}, updated_at = ${now}
        WHERE id = ${id} AND status IN ('draft', 'scheduled', 'sending', 'paused')`,
    sql`UPDATE broadcast_recipients SET status = 'skipped', error_reason = 'Aussendung abgebrochen', updated_at = ${now}
        WHERE broadcast_id = ${id} AND status IN ('queued', 'deferred')
          AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ${id} AND status = 'cancelled' AND finished_at = ${now})`,
  ]);
  const row = await getBroadcastRow(deps.db, id);
  if ((results[0]?.meta.changes ?? 0) === 0) throw wrongState("Abbrechen", row.status);
  await stopAtPacer(deps.env, id, row.kind);
  await publishProgress(deps.env, id, { force: true });
  return row;
}

/**
 * Messages of the broadcast still waiting at the pacer are not sent (their consumers put them back
 * to queued). Should the pacer be out of reach, the consumers still stop on their own within a
 * status poll.
 */
async function stopAtPacer(env: Env, id: string, kind: string): Promise<void> {
  const pacer = pacerOf(env);
  await pacer.withdraw(id).catch((err: unknown) => console.error("pacer withdraw failed", err));
  // Sends that already hold a permit at a sender do not start either.
  await Promise.all(
    senderNames(getConfig(env).BROADCAST_RATE_PER_SECOND).map((name) =>
      env.SENDER.getByName(name).withdraw(id).catch((err: unknown) => console.error("sender withdraw failed", err)),
    ),
  );
  if (kind === "alert") await pacer.release(id).catch((err: unknown) => console.error("pacer release failed", err));
}
