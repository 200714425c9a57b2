// The fan-out consumer for "townwire-broadcasts": each queue message is a chunk of recipients of
// one broadcast. For every group of recipients: check-and-mark them (queued → sending), hand them to
// a Sender, which sends each at a permit's time from the Pacer, and record the outcomes. A message is acked only when
// its recipients are finished or handed on (re-enqueued, paused, cancelled), and a redelivered
// message finds nothing left to claim, so nobody gets a broadcast twice.
import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { deadLetters } from "../db/schema";
import { getConfig, type Env } from "../env";
import { clientFromConfig, type WhatsAppClient } from "../whatsapp";
import { BatchContext } from "./batch-context";
import { sendersFor } from "./sender";
import { getBroadcastRow } from "./compose";
import { broadcastEnqueuer, finishIfComplete, type Enqueuer } from "./lifecycle";
import { prepareMessages } from "./message";
import { sendPaced, statusWatch, type SendDeps } from "./paced-send";
import { publishProgress } from "./progress";
import { claimRecipients, queuedAmong, recordOutcomes } from "./recipients";
import { chunkMessageSchema, type ChunkMessage } from "./schemas";

/** Recipients handed to a sender at once. */
const GROUP_MAX = 20;
/** Groups of one chunk at a sender at once. */
const GROUPS_IN_FLIGHT = 2;

/**
 * Chunks of a batch working at once: enough groups to keep every sender busy (about 1.5 groups per
 * sender, so a sender has its next group while finishing one), and no more, so that recipients are
 * claimed only about two seconds ahead of their turn.
 */
export const chunksAtOnce = (ratePerSecond: number) => Math.ceil((1.5 * sendersFor(ratePerSecond)) / GROUPS_IN_FLIGHT);
/** Work on one message at most this long, then hand the rest to a fresh message. */
const MESSAGE_BUDGET_MS = 30_000;
/** A chunk that only waits for retries looks again this often whether it should keep waiting. */
const WAIT_STEP_MS = 50;
/** Delay for a newsletter chunk that an alert kept waiting: it comes back when the alert is through. */
const PRIORITY_REQUEUE_MS = 2_000;

export interface ConsumerDeps extends SendDeps {
  whatsapp: WhatsAppClient;
  enqueue: Enqueuer;
}

export function consumerDeps(env: Env): ConsumerDeps {
  const cfg = getConfig(env);
  const db = getDb(env.DB);
  return {
    env,
    db,
    whatsapp: clientFromConfig(cfg),
    enqueue: broadcastEnqueuer(env, db),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function handleBroadcastBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deps = consumerDeps(env);
  const context = new BatchContext(batch.metadata?.metrics?.backlogCount ?? 0, chunksAtOnce(getConfig(env).BROADCAST_RATE_PER_SECOND));
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
        await runChunk(deps, parsed.data, context);
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
export async function runChunk(deps: ConsumerDeps, chunk: ChunkMessage, context = new BatchContext()): Promise<ChunkResult> {
  const turn = context.turn();
  await turn.take();
  try {
    return await workThrough(deps, chunk, context, turn);
  } finally {
    turn.leave();
  }
}

async function workThrough(deps: ConsumerDeps, chunk: ChunkMessage, context: BatchContext, turn: ReturnType<BatchContext["turn"]>): Promise<ChunkResult> {
  const { db } = deps;
  const broadcast = await getBroadcastRow(db, chunk.broadcastId).catch(() => null);
  if (!broadcast || broadcast.status !== "sending") return "stopped";
  let pending = await queuedAmong(db, broadcast.id, chunk.citizenIds);
  if (pending.length === 0) {
    await finishIfComplete(deps, broadcast.id);
    return "done";
  }
  const messages = await prepareMessages({ db, bucket: deps.env.MEDIA, whatsapp: deps.whatsapp }, broadcast);
  const watch = statusWatch(db, broadcast.id);
  const notBefore = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  const progress: Promise<void>[] = [];
  let result: ChunkResult = "done";
  let halted = false;
  let stopCheck = false;
  let deferred = false;

  /** Hands what is left to a fresh queue message (after the groups at the pacer have their outcome). */
  const requeueRest = async (delayMs: number) => {
    await Promise.all(inflight);
    const rest = [...new Set(pending)];
    if (rest.length) await deps.enqueue([{ type: "broadcast.chunk", broadcastId: broadcast.id, citizenIds: rest }], Math.ceil(delayMs / 1000));
    pending = [];
    result = "requeued";
  };

  const started = Date.now();
  while (!halted) {
    if (stopCheck || !watch.isSending()) {
      stopCheck = false;
      await Promise.all(inflight);
      if ((await getBroadcastRow(db, broadcast.id)).status !== "sending") {
        pending = [];
        result = "stopped";
        break;
      }
    }
    if (deferred || (broadcast.kind === "newsletter" && context.givingWay)) {
      // An alert is going out: give the consumer away rather than wait here.
      context.givingWay = true;
      await requeueRest(PRIORITY_REQUEUE_MS);
      break;
    }
    if (pending.length === 0) {
      // Groups at the pacer may still hand recipients back (retry); wait for them before deciding.
      // Meanwhile the next chunk can start claiming, so the pacer never runs dry between chunks.
      if (inflight.size === 0) break;
      turn.leave();
      await Promise.race(inflight);
      continue;
    }
    const now = Date.now();
    if (now > started + MESSAGE_BUDGET_MS) {
      await requeueRest(0);
      break;
    }
    if (inflight.size >= GROUPS_IN_FLIGHT) {
      await Promise.race(inflight);
      continue;
    }
    const ready = pending.filter((id) => (notBefore.get(id) ?? 0) <= now);
    if (ready.length === 0) {
      if (inflight.size > 0) {
        await Promise.race(inflight);
        continue;
      }
      // Only retries left, waiting for their backoff: let another chunk of the batch work meanwhile.
      turn.leave();
      const wait = Math.min(...pending.map((id) => notBefore.get(id) ?? now)) - now;
      // Nobody else in this batch works, but more is waiting in the queue: do not hold it up.
      const holdingUp = !context.othersBusy && context.backlog > 0;
      if (holdingUp || now + wait > started + MESSAGE_BUDGET_MS) {
        await requeueRest(wait);
        break;
      }
      await sleep(Math.min(wait, WAIT_STEP_MS));
      continue;
    }
    await turn.take();
    const group = ready.slice(0, GROUP_MAX);
    const claimedAt = Date.now();
    const { claimed } = await claimRecipients(db, broadcast.id, group, claimedAt);
    // Whatever was not claimed is finished, skipped, or someone else's now.
    const inGroup = new Set(group);
    pending = pending.filter((id) => !inGroup.has(id));
    if (claimed.length === 0) {
      stopCheck = true;
      continue;
    }
    const work = sendPaced(deps, { id: broadcast.id, kind: broadcast.kind === "alert" ? "alert" : "newsletter" }, messages, claimed, claimedAt).then(async (list) => {
      await recordOutcomes(db, broadcast.id, list);
      for (const o of list) {
        if (o.halt) halted = true;
        if (o.withdrawn) stopCheck = true;
        if (o.deferred) deferred = true;
        if (o.kind !== "requeue") continue;
        pending.push(o.citizenId);
        notBefore.set(o.citizenId, o.retryAt);
      }
      progress.push(publishProgress(deps.env, broadcast.id));
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work)).catch(() => undefined);
  }
  await Promise.all(inflight);
  turn.leave();
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
