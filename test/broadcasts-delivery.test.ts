// After the send: status webhooks → counts and timeline, the messaging tier, and recovery by the cron.
import { createScheduledController, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RoomEvent } from "../worker/shared/events";
import worker from "../worker/index";
import { api, loginAs, type Session } from "./helpers/auth";
import { broadcastStatus, captureBroadcastQueue, drainQueue, recipientRows, resetPacer, seedChannel, seedCitizens } from "./helpers/broadcasts";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { envelope, postWebhook, statusValue, ts } from "./helpers/meta";

let graph: FakeGraph;
let queue: ReturnType<typeof captureBroadcastQueue>;
let editor: Session;

beforeEach(async () => {
  await resetPacer();
  graph = installFakeGraph();
  queue = captureBroadcastQueue();
  editor = await loginAs("editor");
  await seedChannel("ch_news", "Newsletter");
});
afterEach(() => {
  graph.restore();
  queue.restore();
});

async function createAndSend(body: Record<string, unknown> = {}): Promise<string> {
  const res = await api("/api/broadcasts", {
    as: editor,
    body: { title: "Sperre Hauptstraße", kind: "newsletter", text: "Die Hauptstraße ist gesperrt.", channelIds: ["ch_news"], ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const id = (await res.json<{ broadcast: { id: string } }>()).broadcast.id;
  expect((await api(`/api/broadcasts/${id}/send`, { as: editor, method: "POST" })).status).toBe(200);
  return id;
}

async function detail(id: string) {
  const res = await api(`/api/broadcasts/${id}`, { as: editor });
  expect(res.status).toBe(200);
  return (
    await res.json<{
      broadcast: { status: string; counts: Record<string, number>; failedByReason: { code: number | null; reason: string; count: number }[] };
    }>()
  ).broadcast;
}

/** Runs the minute cron as the runtime would, at `at`. */
async function cron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const status = (id: string, s: string, at: Date, extra: Record<string, unknown> = {}) => ({
  id,
  status: s,
  timestamp: ts(at),
  recipient_id: "436600000000",
  ...extra,
});

describe("status webhooks", () => {
  it("move recipients forward only and show up in the counts, failure reasons and timeline", async () => {
    await seedCitizens([
      { id: "a", waId: "436601", channels: ["ch_news"] },
      { id: "b", waId: "436602", channels: ["ch_news"] },
      { id: "c", waId: "436603", channels: ["ch_news"] },
    ]);
    const id = await createAndSend();
    await drainQueue(queue);
    const rows = await recipientRows(id);
    const wamidOf = (c: string) => rows.find((r) => r.citizen_id === c)!.wamid!;
    const t = new Date(Date.now() + 5_000);
    const later = new Date(t.getTime() + 60_000);
    const res = await postWebhook(
      envelope(
        statusValue([
          status(wamidOf("a"), "read", later),
          status(wamidOf("a"), "delivered", t), // out of order: must not move "read" back
          status(wamidOf("b"), "delivered", t),
          status(wamidOf("b"), "delivered", t), // duplicate
          status(wamidOf("c"), "failed", t, { errors: [{ code: 131026, title: "Message undeliverable" }] }),
        ]),
      ),
    );
    expect(res.status).toBe(200);
    const after = await recipientRows(id);
    expect(after.map((r) => r.status)).toEqual(["read", "delivered", "failed"]);
    const d = await detail(id);
    expect(d.counts).toMatchObject({ recipients: 3, sent: 2, delivered: 2, read: 1, failed: 1, queued: 0 });
    expect(d.failedByReason).toEqual([{ code: 131026, reason: expect.stringContaining("nicht zustellbar"), count: 1 }]);

    const tl = await api(`/api/broadcasts/${id}/timeline`, { as: editor });
    const { timeline } = await tl.json<{
      timeline: { bucketMs: number; points: { t: number; sent: number; delivered: number; read: number; failed: number }[]; totals: Record<string, number> };
    }>();
    // The chart's legend shows the same numbers as the counts: "c" was sent and then failed, so it
    // counts as failed only (issue 13: counts that disagreed with the chart legend).
    expect(timeline.totals).toEqual({ sent: 2, delivered: 2, read: 1, failed: 1 });
    expect(timeline.totals).toEqual({ sent: d.counts.sent, delivered: d.counts.delivered, read: d.counts.read, failed: d.counts.failed });
    expect(timeline.points.reduce((n, p) => n + p.read, 0)).toBe(1);
    // The read came a minute after the sends: it sits in a later bucket than the first one.
    expect(timeline.points.findIndex((p) => p.read > 0)).toBeGreaterThan(timeline.points.findIndex((p) => p.sent > 0));
    expect(timeline.points.every((p, i) => i === 0 || p.t - timeline.points[i - 1]!.t === timeline.bucketMs)).toBe(true);
  });

  it("the chart's totals equal the counts: a read without a delivered status, a late failure, reordered and repeated", async () => {
    await seedCitizens([
      { id: "a", waId: "436621", channels: ["ch_news"] },
      { id: "b", waId: "436622", channels: ["ch_news"] },
      { id: "c", waId: "436623", channels: ["ch_news"] },
    ]);
    const id = await createAndSend();
    await drainQueue(queue);
    const rows = await recipientRows(id);
    const wamidOf = (c: string) => rows.find((r) => r.citizen_id === c)!.wamid!;
    const t = new Date(Date.now() + 5_000);
    await postWebhook(
      envelope(
        statusValue([
          status(wamidOf("a"), "read", t), // read, its "delivered" never came
          status(wamidOf("b"), "failed", t, { errors: [{ code: 131026, title: "Message undeliverable" }] }),
          status(wamidOf("b"), "failed", t, { errors: [{ code: 131026, title: "Message undeliverable" }] }),
          status(wamidOf("c"), "delivered", new Date(t.getTime() + 1_000)),
          status(wamidOf("c"), "sent", t), // late "sent" after "delivered"
        ]),
      ),
    );
    const d = await detail(id);
    const { timeline } = await (await api(`/api/broadcasts/${id}/timeline`, { as: editor })).json<{ timeline: { totals: Record<string, number> } }>();
    expect(d.counts).toMatchObject({ sent: 2, delivered: 2, read: 1, failed: 1 });
    expect(timeline.totals).toEqual({ sent: d.counts.sent, delivered: d.counts.delivered, read: d.counts.read, failed: d.counts.failed });
  });

  it("a status for a recipient whose wamid was never recorded is matched by its callback data", async () => {
    await seedCitizens([{ id: "a", waId: "436611", channels: ["ch_news"] }]);
    const id = await createAndSend();
    queue.drain();
    // The consumer claimed "a", WhatsApp accepted the message, then the consumer died before writing.
    await env.DB.prepare("UPDATE broadcast_recipients SET status = 'sending', sending_since = ?").bind(Date.now()).run();
    await postWebhook(envelope(statusValue([status("wamid.lost1", "sent", new Date(), { biz_opaque_callback_data: `b:${id}:a` })])));
    expect(await recipientRows(id)).toMatchObject([{ status: "sent", wamid: "wamid.lost1" }]);
  });
});

describe("live progress", () => {
  it("streams broadcast.progress events with counts and status to the InboxRoom", async () => {
    const events: RoomEvent[] = [];
    const room = { publish: async (list: RoomEvent[]) => void events.push(...list) };
    const spy = vi.spyOn(env.Inbox, "getByName").mockReturnValue(room as unknown as ReturnType<typeof env.Inbox.getByName>);
    try {
      await seedCitizens([{ id: "a", channels: ["ch_news"] }, { id: "b", channels: ["ch_news"] }]);
      const id = await createAndSend();
      const progress = () => events.filter((e): e is Extract<RoomEvent, { type: "broadcast.progress" }> => e.type === "broadcast.progress" && e.broadcastId === id);
      expect(progress()[0]).toMatchObject({ status: "sending", counts: { recipients: 2, queued: 2, sent: 0 } });
      await drainQueue(queue);
      expect(progress().at(-1)).toMatchObject({ status: "done", counts: { recipients: 2, queued: 0, sent: 2 } });
    } finally {
      spy.mockRestore();
    }
  });
});

describe("stuck sending recovery (cron)", () => {
  it("re-sends a recipient stuck in sending with no word from WhatsApp, leaves one WhatsApp confirmed", async () => {
    await seedCitizens([
      { id: "a", waId: "436621", channels: ["ch_news"] },
      { id: "b", waId: "436622", channels: ["ch_news"] },
      { id: "c", waId: "436623", channels: ["ch_news"] },
    ]);
    const id = await createAndSend();
    queue.drain(); // the consumer that had them died
    const now = Date.now();
    const claimedAt = now - 11 * 60_000;
    await env.DB.prepare("UPDATE broadcast_recipients SET status = 'sending', sending_since = ?, attempts = 1").bind(claimedAt).run();
    // "c" was claimed only a moment ago: its consumer may still be working.
    await env.DB.prepare("UPDATE broadcast_recipients SET sending_since = ? WHERE citizen_id = 'c'").bind(now - 30_000).run();
    // WhatsApp did get "a": its status webhook resolves the ambiguity.
    await postWebhook(envelope(statusValue([status("wamid.a1", "delivered", new Date(), { biz_opaque_callback_data: `b:${id}:a` })])));

    await cron(now);
    const chunks = queue.drain();
    expect(chunks.flatMap((c) => c.citizenIds)).toEqual(["b"]);
    await drainQueue({ ...queue, drain: () => chunks.splice(0) });
    expect(graph.messages().map((m) => m.body.to)).toEqual(["436622"]);
    expect((await recipientRows(id)).map((r) => [r.citizen_id, r.status])).toEqual([
      ["a", "delivered"],
      ["b", "sent"],
      ["c", "sending"],
    ]);
  });

  it("re-enqueues queued recipients whose queue messages were lost", async () => {
    await seedCitizens([{ id: "a", waId: "436631", channels: ["ch_news"] }]);
    const id = await createAndSend();
    queue.drain(); // lost
    const now = Date.now();
    await cron(now);
    expect(queue.messages).toHaveLength(0); // too early to call it lost
    await cron(now + 3 * 60_000);
    expect(queue.messages.map((m) => m.body.citizenIds)).toEqual([["a"]]);
    await drainQueue(queue);
    expect(await broadcastStatus(id)).toBe("done");
    expect(graph.messages()).toHaveLength(1);
  });
});

describe("messaging tier", () => {
  it("warns before, defers recipients over the tier, and continues them when the 24 hours allow", async () => {
    const admin = await loginAs("admin");
    expect((await api("/api/broadcasts/settings", { as: editor, method: "PUT", body: { tier: 3 } })).status).toBe(403);
    const put = await api("/api/broadcasts/settings", { as: admin, method: "PUT", body: { tier: 3 } });
    expect(put.status, await put.clone().text()).toBe(200);
    await seedCitizens(["a", "b", "c", "d", "e"].map((id, i) => ({ id, waId: `43664${i}`, channels: ["ch_news"] })));

    const est = await (await api("/api/broadcasts/estimate?channelIds=ch_news", { as: editor })).json<Record<string, unknown>>();
    expect(est).toMatchObject({ recipients: 5, tier: 3, usedLast24h: 0, available: 3, overTier: 2 });
    expect(est.warning).toContain("2 von 5");

    const id = await createAndSend();
    expect((await recipientRows(id)).map((r) => r.status)).toEqual(["queued", "queued", "queued", "deferred", "deferred"]);
    await drainQueue(queue);
    expect(graph.messages()).toHaveLength(3);
    let d = await detail(id);
    expect(d.status).toBe("sending");
    expect(d.counts).toMatchObject({ sent: 3, deferred: 2 });

    // The same citizens again today cost nothing extra; a new one would not fit.
    const est2 = await (await api("/api/broadcasts/estimate?channelIds=ch_news", { as: editor })).json<Record<string, unknown>>();
    expect(est2).toMatchObject({ usedLast24h: 3, available: 0, overTier: 2 });

    const now = Date.now();
    await cron(now + 60 * 60_000);
    expect(queue.messages).toHaveLength(0);
    await cron(now + 24 * 60 * 60_000 + 60_000);
    expect(queue.messages.flatMap((m) => m.body.citizenIds)).toEqual(["d", "e"]);
    await drainQueue(queue);
    editor = await loginAs("editor"); // the day-later cron cleaned up the old session
    d = await detail(id);
    expect(d.status).toBe("done");
    expect(d.counts).toMatchObject({ sent: 5, deferred: 0 });
    expect(graph.messages()).toHaveLength(5);
  });
});
