// Cloudflare's limit of 6 outgoing connections waiting for response headers per invocation (a
// Durable Object included), kept by the Graph client itself so local runs queue as production does.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PacedRequest } from "../worker/broadcasts/pacer";
import { createWhatsAppClient, GraphApiError, type WhatsAppClient } from "../worker/whatsapp";
import { ConnectionLimit, LateStart, MAX_WAITING_FOR_HEADERS, SlotWaitAborted } from "../worker/whatsapp/connection-limit";
import { resetPacer } from "./helpers/broadcasts";
import { GRAPH_BASE, installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

const client = (o: { timeoutMs?: number; connections?: ConnectionLimit } = {}): WhatsAppClient =>
  createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "test-access-token", phoneNumberId: "106540352242922", ...o });
const numbers = (n: number, from = 100) => Array.from({ length: n }, (_, i) => ({ waId: `4366${from + i}` }));

/** A fetch whose answers wait until the test lets them go. */
function gatedFetch() {
  const gates: (() => void)[] = [];
  let seen = 0;
  const fetch = async () => {
    seen++;
    await new Promise<void>((resolve) => gates.push(resolve));
    return Response.json({ messaging_product: "whatsapp", messages: [{ id: `wamid.g${seen}` }] });
  };
  return { fetch, gates, seen: () => seen };
}

describe("ConnectionLimit", () => {
  it("lets 6 start, queues the 7th until one settles, and frees the slot of an abort while queued", async () => {
    const limit = new ConnectionLimit();
    const release: (() => void)[] = [];
    let started = 0;
    const held = Array.from({ length: MAX_WAITING_FOR_HEADERS + 1 }, () =>
      limit.run(() => {
        started++;
        return new Promise<void>((resolve) => release.push(resolve));
      }),
    );
    const abort = new AbortController();
    const queued = limit.run(async () => "never", abort.signal);
    await Promise.resolve();
    expect(started).toBe(6);
    abort.abort(new Error("timeout"));
    await expect(queued).rejects.toBeInstanceOf(SlotWaitAborted);
    release.shift()!();
    await held[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toBe(7);
    for (const r of release.splice(0)) r();
    await Promise.all(held);
    expect(limit.active).toBe(0);
  });

  it("frees the slot when the request fails", async () => {
    const limit = new ConnectionLimit();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => limit.run(() => Promise.reject(new TypeError("fetch failed")))));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(limit.active).toBe(0);
  });
});

describe("Graph client under load", () => {
  let graph: FakeGraph;
  beforeEach(() => {
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  it("50 sends at once: never more than 6 waiting for headers, all 50 sent", async () => {
    graph.setLatency(15);
    const c = client();
    const results = await Promise.all(numbers(50).map((to) => c.sendText(to, "Hallo")));
    expect(results.every((r) => r.wamid.startsWith("wamid."))).toBe(true);
    expect(graph.accepted).toHaveLength(50);
    expect(graph.load.peak).toBe(MAX_WAITING_FOR_HEADERS);
  });

  it("media info and downloads share the same 6 slots as sends", async () => {
    graph.setLatency(10);
    graph.addMedia("77", new Uint8Array([1, 2, 3]), "image/png");
    const c = client();
    const info = await c.getMediaInfo("77");
    await Promise.all([
      ...numbers(10).map((to) => c.sendText(to, "x")),
      ...Array.from({ length: 10 }, () => c.getMediaInfo("77")),
      ...Array.from({ length: 10 }, () => c.openMedia(info.url).then((m) => m.body.cancel())),
    ]);
    expect(graph.load.peak).toBe(MAX_WAITING_FOR_HEADERS);
  });

  it("timed-out requests free their slots; one that timed out while queued never left and is not ambiguous", async () => {
    const limit = new ConnectionLimit();
    // Six that hang until their timeout: ambiguous (WhatsApp may have taken them), and the slots come back.
    graph.failNextSends("hang", "hang", "hang", "hang", "hang", "hang");
    const hung = await Promise.all(numbers(6).map((to) => client({ timeoutMs: 20, connections: limit }).sendText(to, "x").catch((e: unknown) => e)));
    expect(hung.every((e) => e instanceof GraphApiError && e.ambiguous)).toBe(true);
    expect(limit.active).toBe(0);

    // Six held open by another client of the same invocation; a seventh times out in the queue.
    const gated = gatedFetch();
    const holder = createWhatsAppClient({ apiBase: GRAPH_BASE, accessToken: "t", phoneNumberId: "1", fetch: gated.fetch, connections: limit });
    const held = numbers(6).map((to) => holder.sendText(to, "x"));
    const sentBefore = graph.sent.length;
    const queued = await client({ timeoutMs: 20, connections: limit }).sendText({ waId: "4366999" }, "x").catch((e: unknown) => e);
    expect(queued).toMatchObject({ kind: "retryable", ambiguous: false });
    expect(graph.sent.length).toBe(sentBefore);
    for (const g of gated.gates.splice(0)) g();
    await Promise.all(held);
    expect(limit.active).toBe(0);

    // All six slots work again.
    graph.setLatency(10);
    await Promise.all(numbers(12, 200).map((to) => client({ connections: limit }).sendText(to, "x")));
    expect(graph.load.peak).toBe(MAX_WAITING_FOR_HEADERS);
    expect(limit.active).toBe(0);
  });

  it("error answers and network failures free their slots", async () => {
    const limit = new ConnectionLimit();
    const c = client({ connections: limit });
    graph.setLatency(5);
    graph.failNextSends(...Array.from({ length: 10 }, () => ({ status: 500, code: 131000 })), ...Array.from({ length: 10 }, () => "network" as const));
    const errors = await Promise.all(numbers(20).map((to) => c.sendText(to, "x").catch((e: unknown) => e)));
    expect(errors.every((e) => e instanceof GraphApiError)).toBe(true);
    expect(limit.active).toBe(0);
    expect((await Promise.all(numbers(12, 300).map((to) => c.sendText(to, "x")))).length).toBe(12);
    expect(graph.load.peak).toBe(MAX_WAITING_FOR_HEADERS);
  });
});

describe("Sender Durable Objects under load", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    await resetPacer();
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  const request = (broadcastId: string, to: { waId: string }[]): PacedRequest => ({
    broadcastId,
    priority: "newsletter",
    message: { type: "text", text: { body: "Hallo" } },
    items: to.map((t) => ({ key: t.waId, to: t, callbackData: `b:${broadcastId}:${t.waId}` })),
  });

  it("50 sends from concurrent calls to one sender share its 6 slots (one I/O context), and all 50 are sent", async () => {
    // At 80/s with 200 ms answers ~16 requests would be out at once without the limit.
    graph.setLatency(200);
    const sender = env.SENDER.getByName("newsletter:test");
    const all = numbers(50);
    const results = (await Promise.all([0, 1, 2, 3, 4].map((i) => sender.send(request(`b${i}`, all.slice(i * 10, i * 10 + 10)))))).flat();
    expect(results.filter((r) => r.kind === "sent")).toHaveLength(50);
    expect(graph.accepted).toHaveLength(50);
    expect(graph.load.peak).toBeLessThanOrEqual(MAX_WAITING_FOR_HEADERS);
  });

  it("spread over several senders, more than 6 requests are out at once: the rate is not capped by one object", async () => {
    graph.setLatency(200);
    const all = numbers(48);
    const results = (await Promise.all([0, 1, 2, 3].map((i) => env.SENDER.getByName(`newsletter:s${i}`).send(request(`b${i}`, all.slice(i * 12, i * 12 + 12)))))).flat();
    expect(results.filter((r) => r.kind === "sent")).toHaveLength(48);
    expect(graph.load.peak).toBeGreaterThan(MAX_WAITING_FOR_HEADERS);
  });

  it("a paced send that cannot leave by its deadline fails unsent (LateStart), and nothing reaches WhatsApp", async () => {
    const err = await client().sendText({ waId: "4366777" }, "x", { startBy: Date.now() - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LateStart);
    expect(graph.sent).toHaveLength(0);
  });
});
