// Fixtures for the broadcast tests: an audience of citizens and channels, a captured broadcast queue
// (tests decide when a chunk runs), and running chunks through the Worker's real queue handler.
import { createExecutionContext, createMessageBatch, evictDurableObject, getQueueResult, runInDurableObject, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { ChunkMessage } from "../../worker/broadcasts/schemas";
import worker from "../../worker/index";
import { pacerOf } from "../../worker/broadcasts/pacer";
import { setCitizenLastWrote } from "./fake-window";

export interface AudienceCitizen {
  id: string;
  waId?: string | null;
  userId?: string | null;
  /** Channels with an active subscription. */
  channels?: string[];
  /** Channels subscribed once and left again (inactive row). */
  left?: string[];
  erased?: boolean;
  /**
   * When the citizen last wrote (epoch ms), or null for never. Default: an hour ago (inside the
   * 24-hour window). Known to D1 and to the fake Graph API alike.
   */
  lastInboundAt?: number | null;
}

export async function seedChannel(id: string, name = id, archived = false): Promise<void> {
  await env.DB.prepare("INSERT INTO channels (id, name, archived) VALUES (?, ?, ?)").bind(id, name, archived ? 1 : 0).run();
}

let phoneSeq = 0;
export async function seedCitizens(citizens: AudienceCitizen[]): Promise<void> {
  const stmts: D1PreparedStatement[] = [];
  for (const c of citizens) {
    const waId = c.waId === undefined ? `4366${String(10_000_000 + ++phoneSeq)}` : c.waId;
    const lastIn = c.lastInboundAt === undefined ? Date.now() - 3_600_000 : c.lastInboundAt;
    stmts.push(
      env.DB.prepare("INSERT INTO citizens (id, wa_id, user_id, name, erased_at, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?)").bind(
        c.id,
        c.erased ? null : waId,
        c.userId ?? null,
        c.erased ? null : `Bürger ${c.id}`,
        c.erased ? Date.now() : null,
        lastIn,
      ),
    );
    for (const address of [c.erased ? null : waId, c.userId]) if (address) setCitizenLastWrote(address, lastIn);
    for (const ch of c.channels ?? []) {
      stmts.push(env.DB.prepare("INSERT INTO subscriptions (citizen_id, channel_id, active) VALUES (?, ?, 1)").bind(c.id, ch));
    }
    for (const ch of c.left ?? []) {
      stmts.push(env.DB.prepare("INSERT INTO subscriptions (citizen_id, channel_id, active) VALUES (?, ?, 0)").bind(c.id, ch));
    }
  }
  for (let i = 0; i < stmts.length; i += 200) await env.DB.batch(stmts.slice(i, i + 200));
}

/** `n` citizens c0001… subscribed to `channel`. */
export async function seedSubscribers(channel: string, n: number, prefix = "c", lastInboundAt?: number | null): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, "0")}`);
  await seedCitizens(ids.map((id) => ({ id, channels: [channel], ...(lastInboundAt === undefined ? {} : { lastInboundAt }) })));
  return ids;
}

/**
 * Captures what the code under test puts on BROADCAST_QUEUE and ALERT_QUEUE instead of letting
 * Miniflare deliver it (in one list, in order; `queue` says which).
 */
export function captureBroadcastQueue() {
  const messages: { body: ChunkMessage; delaySeconds?: number; queue: "broadcasts" | "alerts" }[] = [];
  const capture = (binding: Queue<unknown>, queue: "broadcasts" | "alerts") =>
    vi.spyOn(binding, "sendBatch").mockImplementation(async (batch, options) => {
      for (const m of batch) messages.push({ body: m.body as ChunkMessage, delaySeconds: options?.delaySeconds, queue });
      return { metadata: { metrics: { backlogCount: messages.length, backlogBytes: 0 } } };
    });
  const spies = [capture(env.BROADCAST_QUEUE, "broadcasts"), capture(env.ALERT_QUEUE, "alerts")];
  return {
    messages,
    /** Takes (and forgets) every captured message. */
    drain(): ChunkMessage[] {
      return messages.splice(0, messages.length).map((m) => m.body);
    },
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}

let msgSeq = 0;
/** Runs chunk messages through the Worker's queue handler (as one batch), like the queue would deliver them. */
export async function runChunks(bodies: unknown[], attempts = 1, queue = "townwire-broadcasts"): Promise<QueueResult> {
  const batch = createMessageBatch(
    queue,
    bodies.map((body) => ({ id: `m${++msgSeq}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Runs everything captured until the queue stays empty (max `rounds` batches). */
export async function drainQueue(queue: ReturnType<typeof captureBroadcastQueue>, rounds = 50): Promise<number> {
  let batches = 0;
  for (; batches < rounds; batches++) {
    const bodies = queue.drain();
    if (bodies.length === 0) break;
    await runChunks(bodies);
  }
  return batches;
}

/** The pacer starts each test empty (no leftover alert leases or slowdowns). */
export async function resetPacer(): Promise<void> {
  const stub = pacerOf(env);
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.kv.delete("pacer");
  });
  await evictDurableObject(stub).catch(() => undefined);
}

export async function recipientRows(broadcastId: string) {
  const rows = await env.DB.prepare(
    "SELECT citizen_id, status, wamid, attempts, error_code, error_reason, sent_at FROM broadcast_recipients WHERE broadcast_id = ? ORDER BY citizen_id",
  )
    .bind(broadcastId)
    .all<{ citizen_id: string; status: string; wamid: string | null; attempts: number; error_code: number | null; error_reason: string | null; sent_at: number | null }>();
  return rows.results;
}

export async function broadcastStatus(id: string): Promise<string | undefined> {
  return (await env.DB.prepare("SELECT status FROM broadcasts WHERE id = ?").bind(id).first<{ status: string }>())?.status;
}
