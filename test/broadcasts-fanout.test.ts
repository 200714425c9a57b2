// The fan-out: materialisation, exactly-once under redelivery, pause/resume/cancel.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "./helpers/auth";
import {
  broadcastStatus,
  drainQueue,
  recipientRows,
  runChunks,
  seedCitizens,
  seedSubscribers,
} from "./helpers/broadcasts";
import { act, create, createAndSend, editor, graph, queue, sendsPerRecipient, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture();

describe("materialisation", () => {
  it("reaches each citizen once across overlapping channels, never unsubscribed or erased ones", async () => {
    await seedCitizens([
      { id: "a", waId: "436601", channels: ["ch_news", "ch_events"] },
      { id: "b", waId: "436602", channels: ["ch_news"] },
      { id: "c", waId: null, userId: "AT.123", channels: ["ch_events"] },
      { id: "d", waId: "436604", left: ["ch_news"] },
      { id: "e", waId: "436605", channels: ["ch_news"], erased: true },
      { id: "f", waId: "436606", channels: [] },
      { id: "g", waId: null, channels: ["ch_news"] },
    ]);
    const id = await createAndSend({ channelIds: ["ch_news", "ch_events"] });
    const rows = await recipientRows(id);
    expect(rows.map((r) => [r.citizen_id, r.status])).toEqual([
      ["a", "queued"],
      ["b", "queued"],
      ["c", "queued"],
    ]);
    const detail = await (await api(`/api/broadcasts/${id}`, { as: editor })).json<{ broadcast: { recipientCount: number } }>();
    expect(detail.broadcast.recipientCount).toBe(3);
    await drainQueue(queue);
    expect([...sendsPerRecipient().entries()].sort()).toEqual([
      ["436601", 1],
      ["436602", 1],
      ["AT.123", 1],
    ]);
    expect(graph.messages().find((s) => s.body.recipient === "AT.123")?.body).toMatchObject({ type: "text", text: { body: "Hallo *Welt*" } });
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("materialises once: citizens who subscribe after the start are not added, even on resume", async () => {
    await seedCitizens([{ id: "a", channels: ["ch_news"] }]);
    const id = await createAndSend();
    await act(id, "pause");
    await seedCitizens([{ id: "late", channels: ["ch_news"] }]);
    await act(id, "resume");
    await drainQueue(queue);
    expect((await recipientRows(id)).map((r) => r.citizen_id)).toEqual(["a"]);
    expect(graph.messages()).toHaveLength(1);
  });

  it("enqueues recipients in chunks of 100", async () => {
    await seedSubscribers("ch_news", 250);
    await createAndSend();
    const chunks = queue.drain();
    expect(chunks.map((c) => c.citizenIds.length)).toEqual([100, 100, 50]);
    expect(new Set(chunks.flatMap((c) => c.citizenIds)).size).toBe(250);
  });

  it("finishes at once when nobody is subscribed", async () => {
    const id = await createAndSend();
    expect(await broadcastStatus(id)).toBe("done");
    expect(queue.messages).toHaveLength(0);
  });

  it("skips a citizen who unsubscribed after the start", async () => {
    await seedCitizens([{ id: "a", waId: "436611", channels: ["ch_news"] }, { id: "b", waId: "436612", channels: ["ch_news"] }]);
    const id = await createAndSend();
    await env.DB.prepare("UPDATE subscriptions SET active = 0 WHERE citizen_id = 'b'").run();
    await drainQueue(queue);
    expect([...sendsPerRecipient().keys()]).toEqual(["436611"]);
    const b = (await recipientRows(id)).find((r) => r.citizen_id === "b");
    expect(b).toMatchObject({ status: "skipped", error_reason: "Vor dem Versand abgemeldet" });
    expect(await broadcastStatus(id)).toBe("done");
  });
});

describe("exactly once", () => {
  it("a redelivered batch sends nobody twice (same batch through the queue handler twice)", async () => {
    await seedSubscribers("ch_news", 30);
    const id = await createAndSend();
    const chunks = queue.drain();
    const first = await runChunks(chunks);
    expect(first.explicitAcks).toHaveLength(chunks.length);
    expect(graph.messages()).toHaveLength(30);
    const second = await runChunks(chunks, 2);
    expect(second.explicitAcks).toHaveLength(chunks.length);
    expect(second.retryMessages).toHaveLength(0);
    expect(graph.messages()).toHaveLength(30);
    expect(Math.max(...sendsPerRecipient().values())).toBe(1);
    const rows = await recipientRows(id);
    expect(rows.every((r) => r.status === "sent" && r.wamid?.startsWith("wamid.fake"))).toBe(true);
  });

  it("two consumers holding the same chunk at the same time still send each recipient once", async () => {
    await seedSubscribers("ch_news", 25);
    await createAndSend();
    const chunks = queue.drain();
    await Promise.all([runChunks(chunks), runChunks(chunks, 2), runChunks(chunks, 3)]);
    expect(graph.messages()).toHaveLength(25);
    expect(Math.max(...sendsPerRecipient().values())).toBe(1);
  });

  it("a recipient another consumer is sending right now is left alone", async () => {
    await seedCitizens([{ id: "a", waId: "436621", channels: ["ch_news"] }, { id: "b", waId: "436622", channels: ["ch_news"] }]);
    const id = await createAndSend();
    // A consumer elsewhere has claimed "a" and is mid-call.
    await env.DB.prepare("UPDATE broadcast_recipients SET status = 'sending', sending_since = ? WHERE citizen_id = 'a'").bind(Date.now()).run();
    await drainQueue(queue);
    expect([...sendsPerRecipient().keys()]).toEqual(["436622"]);
    expect(await broadcastStatus(id)).toBe("sending");
  });
});

describe("pause, resume, cancel", () => {
  it("pause keeps exact progress; resume sends the rest, nobody twice", async () => {
    await seedSubscribers("ch_news", 40);
    const id = await createAndSend();
    let n = 0;
    graph.onSend(async () => {
      if (++n === 10) expect((await api(`/api/broadcasts/${id}/pause`, { as: editor, method: "POST" })).status).toBe(200);
    });
    const chunks = queue.drain();
    const result = await runChunks(chunks);
    expect(result.explicitAcks).toHaveLength(1);
    const afterPause = graph.messages().length;
    // What was waiting at the pacer when the pause came stays unsent (a request already on its
    // way to WhatsApp completes).
    expect(afterPause).toBeGreaterThanOrEqual(10);
    expect(afterPause).toBeLessThanOrEqual(11);
    const rows = await recipientRows(id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(afterPause);
    expect(rows.filter((r) => r.status === "queued")).toHaveLength(40 - afterPause);
    expect(await broadcastStatus(id)).toBe("paused");
    const detail = await (await api(`/api/broadcasts/${id}`, { as: editor })).json<{ broadcast: { counts: { sent: number; queued: number } } }>();
    expect(detail.broadcast.counts).toMatchObject({ sent: afterPause, queued: 40 - afterPause });

    await act(id, "resume");
    const resumed = queue.drain();
    expect(resumed.flatMap((c) => c.citizenIds)).toHaveLength(40 - afterPause);
    await runChunks(resumed);
    expect(graph.messages()).toHaveLength(40);
    expect(Math.max(...sendsPerRecipient().values())).toBe(1);
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("cancel stops sending right away and marks the rest as not sent", async () => {
    await seedSubscribers("ch_news", 60);
    const id = await createAndSend();
    let n = 0;
    /** Sends started by the time the cancel was answered (a busy machine starts a few while it runs). */
    let atAnswer = 0;
    graph.onSend(async () => {
      if (++n === 5) {
        const res = await api(`/api/broadcasts/${id}/cancel`, { as: editor, method: "POST" });
        expect(res.status).toBe(200);
        atAnswer = n;
      }
    });
    await drainQueue(queue);
    // The cancel withdraws everything waiting at the pacer: only requests already started complete.
    expect(atAnswer).toBeGreaterThanOrEqual(5);
    expect(graph.messages().length).toBeLessThanOrEqual(atAnswer + 2);
    expect(graph.messages().length).toBeLessThan(60);
    const rows = await recipientRows(id);
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(graph.messages().length);
    expect(rows.filter((r) => r.status === "skipped")).toHaveLength(60 - graph.messages().length);
    expect(rows.find((r) => r.status === "skipped")?.error_reason).toBe("Aussendung abgebrochen");
    expect(await broadcastStatus(id)).toBe("cancelled");
  });

  it("refuses actions that do not fit the state with 409", async () => {
    const id = await create();
    await act(id, "pause", 409);
    await act(id, "resume", 409);
    await act(id, "send");
    await act(id, "send", 409);
    await act(id, "resume", 409);
    expect(await broadcastStatus(id)).toBe("done");
    await act(id, "cancel", 409);
    const res = await api(`/api/broadcasts/${id}`, { as: editor, method: "PATCH", body: { title: "Neu" } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "already_started" } });
  });
});
