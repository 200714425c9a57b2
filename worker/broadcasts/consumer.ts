// The fan-out consumer for "townwire-broadcasts": each queue message is a chunk of recipients of
// one broadcast. For every group of recipients: get send slots from the Pacer, check-and-mark the
// recipients (queued → sending), send each at its slot, record the outcome. A message is acked only
// when its recipients are finished or handed on (re-enqueued, paused, cancelled), and a redelivered
// message finds nothing left to claim, so nobody gets a broadcast twice.
import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { deadLetters } from "../db/schema";
import { getConfig, type Env } from "../env";
import { clientFromConfig, type WhatsAppClient } from "../whatsapp";
import { getBroadcastRow } from "./compose";
import { finishIfComplete, queueEnqueuer, type Enqueuer } from "./lifecycle";
import { prepareSend } from "./message";
import { pacerOf } from "./pacer";
import { publishProgress } from "./progress";
import { claimRecipients, queuedAmong, recordOutcomes } from "./recipients";
import { chunkMessageSchema, type ChunkMessage } from "./schemas";
import { dispatch, punctualityCounter, statusWatch, type SendDeps } from "./send-at-slots";

/** Slots per request to the pacer: a fifth of a second at 100/s. */
const GROUP_MAX = 20;
/** Work on one message at most this long, then hand the rest to a fresh message. */
const MESSAGE_BUDGET_MS = 30_000;
/**
 * Waiting longer than this for a retry: re-enqueue with a delay instead of holding the consumer. A
 * queue batch ends only when its last message does, so a chunk must not sit out a backoff inline
 * while the other chunks of its batch are done (the next batch would wait for it).
 */
const MAX_INLINE_WAIT_MS = 300;
/** A newsletter blocked by an alert this long gives its consumer slot away (re-enqueue, ack). */
const PRIORITY_YIELD_MS = 2_000;
/** A chunk asks for its next slots this long before its last slot comes (time for the claim). */
const LOOKAHEAD_MS = 150;

export interface ConsumerDeps extends SendDeps {
  whatsapp: WhatsAppClient;
  enqueue: Enqueuer;
  ratePerSecond: number;
}

export function consumerDeps(env: Env): ConsumerDeps {
  const cfg = getConfig(env);
  return {
    env,
    db: getDb(env.DB),
    whatsapp: clientFromConfig(cfg),
    pacer: pacerOf(env),
    enqueue: queueEnqueuer(env.BROADCAST_QUEUE),
    ratePerSecond: cfg.BROADCAST_RATE_PER_SECOND,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function handleBroadcastBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deps = consumerDeps(env);
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = chunkMessageSchema.safeParse(msg.body);
      if (!parsed.success) {
        // Will never succeed: record it for staff to see instead of retrying it ten times.
        await deps.db.insert(deadLetters).values({ queue: batch.queue, body: msg.body });
        msg.ack();
        return;
      }
      try {
        await runChunk(deps, parsed.data);
        msg.ack();
      } catch (err) {
        // D1, the pacer or the queue failed: try the whole chunk again later (claims make it safe).
        // After max_retries the queue moves it to the dead-letter queue.
        console.error(`broadcast chunk failed (attempt ${msg.attempts})`, err);
        msg.retry({ delaySeconds: Math.min(2 ** msg.attempts, 300) });
      }
    }),
  );
}

export type ChunkResult = "done" | "stopped" | "requeued";

/** Works through one chunk. Resolves when nothing of it is left to do here. */
export async function runChunk(deps: ConsumerDeps, chunk: ChunkMessage): Promise<ChunkResult> {
  const { db } = deps;
  const broadcast = await getBroadcastRow(db, chunk.broadcastId).catch(() => null);
  if (!broadcast || broadcast.status !== "sending") return "stopped";
  let pending = await queuedAmong(db, broadcast.id, chunk.citizenIds);
  if (pending.length === 0) {
    await finishIfComplete(deps, broadcast.id);
    return "done";
  }
  const send = await prepareSend({ db, bucket: deps.env.MEDIA, whatsapp: deps.whatsapp }, broadcast);
  const watch = statusWatch(db, broadcast.id);
  const punctuality = punctualityCounter();
  const notBefore = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  const progress: Promise<void>[] = [];
  const started = Date.now();
  let blockedSince: number | null = null;
  let result: ChunkResult = "done";
  let halted = false;

  /** Hands what is left to a fresh queue message (after the sends in flight have their outcome). */
  const requeueRest = async (delayMs: number) => {
    await Promise.all(inflight);
    const rest = [...new Set(pending)];
    if (rest.length) await deps.enqueue([{ type: "broadcast.chunk", broadcastId: broadcast.id, citizenIds: rest }], Math.ceil(delayMs / 1000));
    pending = [];
    result = "requeued";
  };

  while (!halted) {
    if (pending.length === 0) {
      // Sends in flight may still hand recipients back (retry); wait for them before deciding.
      if (inflight.size === 0) break;
      await Promise.all(inflight);
      continue;
    }
    const now = Date.now();
    if (now > started + MESSAGE_BUDGET_MS) {
      await requeueRest(0);
      break;
    }
    const ready = pending.filter((id) => (notBefore.get(id) ?? 0) <= now);
    if (ready.length === 0) {
      const wait = Math.min(...pending.map((id) => notBefore.get(id) ?? now)) - now;
      if (wait > MAX_INLINE_WAIT_MS || now + wait > started + MESSAGE_BUDGET_MS) {
        await requeueRest(wait);
        break;
      }
      await sleep(wait);
      continue;
    }
    const grant = await deps.pacer.take({
      want: Math.min(ready.length, GROUP_MAX),
      ratePerSecond: deps.ratePerSecond,
      priority: broadcast.kind,
      broadcastId: broadcast.id,
      ...punctuality.report(),
    });
    if (grant.slots.length === 0) {
      if (grant.reason === "priority") {
        blockedSince ??= now;
        if (now - blockedSince >= PRIORITY_YIELD_MS) {
          await requeueRest(2_000);
          break;
        }
      }
      await sleep(grant.retryAfterMs);
      continue;
    }
    blockedSince = null;
    const group = ready.slice(0, grant.slots.length);
    const { claimed } = await claimRecipients(db, broadcast.id, group, Date.now());
    // Whatever was not claimed is finished, skipped, or someone else's now.
    const inGroup = new Set(group);
    pending = pending.filter((id) => !inGroup.has(id));
    if (claimed.length === 0) {
      const current = await getBroadcastRow(db, broadcast.id);
      if (current.status !== "sending") {
        await Promise.all(inflight);
        pending = [];
        result = "stopped";
        break;
      }
      continue;
    }
    const work = dispatch(deps, broadcast.id, send, claimed, grant, watch, punctuality).then(async (list) => {
      await recordOutcomes(db, broadcast.id, list);
      for (const o of list) {
        if (o.kind !== "requeue") continue;
        pending.push(o.citizenId);
        notBefore.set(o.citizenId, o.retryAt);
      }
      if (list.some((o) => o.halt)) halted = true;
      progress.push(publishProgress(deps.env, broadcast.id));
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work)).catch(() => undefined);
    // Keep a few groups in flight, not an unbounded number.
    while (inflight.size > 3) await Promise.race(inflight);
    // Ask for the next slots only shortly before these run out: no hoarding, no busy asking.
    await sleep(grant.slots[grant.slots.length - 1]! - LOOKAHEAD_MS - Date.now());
  }
  await Promise.all(inflight);
  await watch.settled();
  if (halted) await haltForAuth(deps, broadcast.id);
  // Claimed but not sent because of a cancel: settle them like the cancel did the others.
  await db.run(sql`UPDATE broadcast_recipients SET status = 'skipped', error_reason = 'Aussendung abgebrochen', updated_at = ${Date.now()}
    WHERE broadcast_id = ${broadcast.id} AND status = 'queued' AND citizen_id IN (SELECT value FROM json_each(${JSON.stringify(chunk.citizenIds)}))
      AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ${broadcast.id} AND status = 'cancelled')`);
  await finishIfComplete(deps, broadcast.id);
  await Promise.all(progress);
  return halted ? "stopped" : result;
}

/** The access token was refused: pause the broadcast (an admin alert is already out); resume continues it. */
async function haltForAuth(deps: ConsumerDeps, broadcastId: string): Promise<void> {
  await deps.db.run(sql`UPDATE broadcasts SET status = 'paused', updated_at = ${Date.now()} WHERE id = ${broadcastId} AND status = 'sending'`);
  await publishProgress(deps.env, broadcastId, { force: true });
}
