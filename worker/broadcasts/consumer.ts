// The fan-out consumer for "townwire-broadcasts": each queue message is a chunk of recipients of
// one broadcast. For every group of recipients: get send slots from the Pacer, check-and-mark the
// recipients (queued → sending), send each at its slot, record the outcome. A message is acked only
// when its recipients are finished or handed on (re-enqueued, paused, cancelled), and a redelivered
// message finds nothing left to claim, so nobody gets a broadcast twice.
import { sql } from "drizzle-orm";
import { alertOnAuthError } from "../alerts/admin-alerts";
import { getDb, type Db } from "../db/client";
import { deadLetters } from "../db/schema";
import { getConfig, type Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { clientFromConfig, type WhatsAppClient } from "../whatsapp";
import { getBroadcastRow } from "./compose";
import { finishIfComplete, queueEnqueuer, type Enqueuer } from "./lifecycle";
import { classifyFailure, prepareSend, type SendFn } from "./message";
import { pacerOf, type Pacer } from "./pacer";
import { JITTER_MARGIN_MS } from "./pace-schedule";
import { publishProgress } from "./progress";
import { claimRecipients, queuedAmong, recordOutcomes, type ClaimedRecipient, type Outcome } from "./recipients";
import { chunkMessageSchema, type ChunkMessage } from "./schemas";
import { recipientCallbackData } from "./statuses";

/** Slots per request to the pacer: a fifth of a second at 100/s. */
const GROUP_MAX = 20;
/** A send may start this much after its slot; later, the slot is given up (see pace-schedule.ts). */
export const LATE_TOLERANCE_MS = JITTER_MARGIN_MS / 2;
/** Work on one message at most this long, then hand the rest to a fresh message. */
const MESSAGE_BUDGET_MS = 30_000;
/** Waiting longer than this for a retry: re-enqueue with a delay instead of holding the consumer. */
const MAX_INLINE_WAIT_MS = 5_000;
/** A newsletter blocked by an alert this long gives its consumer slot away (re-enqueue, ack). */
const PRIORITY_YIELD_MS = 2_000;
/** How often a running chunk looks whether its broadcast was paused or cancelled. */
const STATUS_POLL_MS = 250;

/** Whether the broadcast is still sending, read from D1 at most every STATUS_POLL_MS. */
function statusWatch(db: Db, broadcastId: string) {
  let checkedAt = Date.now();
  let current: Promise<boolean> = Promise.resolve(true);
  return {
    stillSending(): Promise<boolean> {
      if (Date.now() - checkedAt >= STATUS_POLL_MS) {
        checkedAt = Date.now();
        current = getBroadcastRow(db, broadcastId).then(
          (b) => b.status === "sending",
          () => true,
        );
      }
      return current;
    },
  };
}
type StatusWatch = ReturnType<typeof statusWatch>;

export interface ConsumerDeps {
  env: Env;
  db: Db;
  whatsapp: WhatsAppClient;
  pacer: DurableObjectStub<Pacer>;
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
  console.warn("DBG batch", batch.messages.length);
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
    console.warn("DBG take", ready.length, Date.now());
    const grant = await deps.pacer.take({
      want: Math.min(ready.length, GROUP_MAX),
      ratePerSecond: deps.ratePerSecond,
      priority: broadcast.kind,
      broadcastId: broadcast.id,
    });
    console.warn("DBG grant", grant.slots.length, grant.reason, grant.retryAfterMs, (grant.slots[0] ?? 0) - Date.now());
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
    console.warn("DBG claimed", claimed.length, (grant.slots[0] ?? 0) - Date.now());
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
    const work = dispatch(deps, broadcast.id, send, claimed, grant.slots, watch).then(async (list) => {
      console.warn("DBG outcomes", list.map((o) => o.kind).join(","));
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
  }
  await Promise.all(inflight);
  if (halted) await haltForAuth(deps, broadcast.id);
  // Claimed but not sent because of a cancel: settle them like the cancel did the others.
  await db.run(sql`UPDATE broadcast_recipients SET status = 'skipped', error_reason = 'Aussendung abgebrochen', updated_at = ${Date.now()}
    WHERE broadcast_id = ${broadcast.id} AND status = 'queued' AND citizen_id IN (SELECT value FROM json_each(${JSON.stringify(chunk.citizenIds)}))
      AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ${broadcast.id} AND status = 'cancelled')`);
  await finishIfComplete(deps, broadcast.id);
  await Promise.all(progress);
  return halted ? "stopped" : result;
}

type DispatchedOutcome = Outcome & { retryAt: number; halt?: boolean };

/**
 * Sends each claimed recipient at its slot. Returns once every send has an outcome. A slot missed
 * by more than LATE_TOLERANCE_MS is not used (the recipient goes back to the queue, nothing sent),
 * so late sends can never bunch up above the rate. After a pause or cancel nothing more is sent.
 */
async function dispatch(
  deps: ConsumerDeps,
  broadcastId: string,
  send: SendFn,
  claimed: ClaimedRecipient[],
  slots: number[],
  watch: StatusWatch,
): Promise<DispatchedOutcome[]> {
  const sends: Promise<DispatchedOutcome>[] = [];
  for (let i = 0; i < claimed.length; i++) {
    const r = claimed[i]!;
    const slot = slots[i]!;
    const sending = await watch.stillSending();
    const wait = slot - Date.now();
    if (wait > 0) await sleep(wait);
    if (!sending || Date.now() > slot + LATE_TOLERANCE_MS) {
      console.log("DEBUGLATE", sending, Date.now() - slot, wait);
      sends.push(Promise.resolve({ kind: "requeue", citizenId: r.citizenId, code: null, reason: null, countAttempt: false, retryAt: 0 }));
      continue;
    }
    sends.push(sendOne(deps, broadcastId, send, r));
  }
  return Promise.all(sends);
}

async function sendOne(deps: ConsumerDeps, broadcastId: string, send: SendFn, r: ClaimedRecipient): Promise<DispatchedOutcome> {
  try {
    const { wamid } = await send({ waId: r.waId, userId: r.userId }, { callbackData: recipientCallbackData(broadcastId, r.citizenId) });
    return { kind: "sent", citizenId: r.citizenId, wamid, at: Date.now(), retryAt: 0 };
  } catch (err) {
    const action = classifyFailure(err, r.attempts);
    const now = Date.now();
    switch (action.kind) {
      case "retry":
        if (action.rateLimited) await deps.pacer.rateLimited(action.code).catch(() => false);
        return {
          kind: "requeue",
          citizenId: r.citizenId,
          code: action.code || null,
          reason: action.reason,
          countAttempt: !action.rateLimited,
          retryAt: now + action.delayMs,
        };
      case "halt": {
        const event = await alertOnAuthError(deps.db, err).catch(() => null);
        if (event) await publishToRoom(deps.env, [event]);
        return { kind: "requeue", citizenId: r.citizenId, code: action.code, reason: action.reason, countAttempt: false, retryAt: 0, halt: true };
      }
      case "fail":
        return {
          kind: "failed",
          citizenId: r.citizenId,
          code: action.code,
          reason: action.reason,
          at: now,
          optedOut: action.optedOut,
          deadLetter: action.exhausted ? { attempts: r.attempts } : null,
          retryAt: 0,
        };
    }
  }
}

/** The access token was refused: pause the broadcast (an admin alert is already out); resume continues it. */
async function haltForAuth(deps: ConsumerDeps, broadcastId: string): Promise<void> {
  await deps.db.run(sql`UPDATE broadcasts SET status = 'paused', updated_at = ${Date.now()} WHERE id = ${broadcastId} AND status = 'sending'`);
  await publishProgress(deps.env, broadcastId, { force: true });
}
