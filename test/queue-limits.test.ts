// A queue sendBatch takes at most 100 messages (and 256 KB): a webhook with more jobs than that,
// the cron's recovery and the broadcast fan-out all send in batches within those limits.
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { chunkMessages, queueEnqueuer } from "../worker/broadcasts/lifecycle";
import { keywordRulesCache } from "../worker/citizens/keywords/rules-cache";
import worker from "../worker/index";
import { sendAll } from "../worker/queues/send";
import { count } from "./helpers/db";
import { seedChannels } from "./helpers/citizens";
import { envelope, messageValue, postWebhook, wamid } from "./helpers/meta";

const bytes = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).byteLength;

/** A queue binding as strict as production: refuses a batch over 100 messages or 256 KB. */
function strictQueue(queue: Queue<unknown>) {
  const accepted: unknown[] = [];
  const calls: number[] = [];
  const spy = vi.spyOn(queue, "sendBatch").mockImplementation(async (messages) => {
    const list = [...messages];
    calls.push(list.length);
    if (list.length > 100) throw new Error(`Queue sendBatch failed: batch message count of ${list.length} exceeds limit of 100`);
    if (list.reduce((n, m) => n + bytes(m.body), 0) > 256_000) throw new Error("Queue sendBatch failed: batch size exceeds 256 KB");
    accepted.push(...list.map((m) => m.body));
    return undefined as never;
  });
  return { accepted, calls, spy };
}

describe("queue sendBatch limits", () => {
  let queue: ReturnType<typeof strictQueue>;
  let spies: MockInstance[] = [];
  beforeEach(() => {
    keywordRulesCache.clear();
    queue = strictQueue(env.JOBS_QUEUE);
    spies = [queue.spy];
  });
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it("a signed webhook whose batch yields 150 jobs stores everything and enqueues every job", async () => {
    await seedChannels();
    const texts = Array.from({ length: 120 }, (_, i) => ({ from: "436641234567", id: wamid(), timestamp: String(1_800_000_000 + i), type: "text", text: { body: "ANMELDEN" } }));
    const photos = Array.from({ length: 30 }, (_, i) => ({ from: "436641234567", id: wamid(), timestamp: String(1_800_000_200 + i), type: "image", image: { id: `77${i}`, mime_type: "image/jpeg" } }));
    const value = { ...messageValue({ type: "text", text: { body: "x" } }), messages: [...texts, ...photos] };
    const res = await postWebhook(envelope(value));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 150 });
    expect(await count("messages", "direction = 'in'")).toBe(150);
    expect(queue.calls.every((n) => n <= 100)).toBe(true);
    const types = (queue.accepted as { type: string }[]).map((j) => j.type);
    expect(types.filter((t) => t === "inbound.process")).toHaveLength(120);
    expect(types.filter((t) => t === "media.fetch")).toHaveLength(30);
  });

  it("sendAll splits by count and by bytes, in order", async () => {
    const small = Array.from({ length: 250 }, (_, i) => ({ n: i }));
    await sendAll(env.JOBS_QUEUE, small);
    expect(queue.calls).toEqual([100, 100, 50]);
    const big = Array.from({ length: 10 }, (_, i) => ({ n: i, pad: "x".repeat(60_000) }));
    await sendAll(env.JOBS_QUEUE, big);
    expect(queue.calls.slice(3).every((n) => n <= 4)).toBe(true);
    expect(queue.accepted).toEqual([...small, ...big]);
  });

  it("the broadcast fan-out enqueues 250 chunks (25,000 recipients) within the limits", async () => {
    const broadcasts = strictQueue(env.BROADCAST_QUEUE);
    spies.push(broadcasts.spy);
    const ids = Array.from({ length: 25_000 }, (_, i) => `c${i.toString(36).padStart(10, "0")}`);
    await queueEnqueuer(env.BROADCAST_QUEUE)(chunkMessages("b1", ids));
    expect(broadcasts.accepted).toHaveLength(250);
    expect(broadcasts.calls.every((n) => n <= 100)).toBe(true);
  });
});

describe("dead-letter queue", () => {
  it("records a batch of 120 dead letters (multi-row inserts within 100 parameters)", async () => {
    const batch = createMessageBatch(
      "townwire-dlq",
      Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 7, body: { type: "media.fetch", mediaId: `x${i}` } })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await count("dead_letters")).toBe(120);
  });
});
