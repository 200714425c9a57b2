// The fan-out when WhatsApp says no: rate limits, server errors, permanent errors, opt-outs, token expiry.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_SEND_ATTEMPTS } from "../worker/broadcasts/message";
import { api } from "./helpers/auth";
import {
  broadcastStatus,
  drainQueue,
  recipientRows,
  runChunks,
  seedCitizens,
} from "./helpers/broadcasts";
import { count } from "./helpers/db";
import { act, createAndSend, editor, graph, queue, sendsPerRecipient, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture();

describe("errors from WhatsApp", () => {
  it("retries a 429 (130429) without using up an attempt, reports it to the pacer, sends once", async () => {
    await seedCitizens([{ id: "a", waId: "436631", channels: ["ch_news"] }, { id: "b", waId: "436632", channels: ["ch_news"] }]);
    graph.failSendsTo("436631", { status: 429, code: 130429, message: "Rate limit hit" });
    const id = await createAndSend();
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436631")).toBe(2);
    const rows = await recipientRows(id);
    expect(rows.map((r) => [r.citizen_id, r.status, r.attempts])).toEqual([
      ["a", "sent", 1],
      ["b", "sent", 1],
    ]);
    const snap = await env.PACER.getByName("main").snapshot();
    expect(snap.state.limited.length).toBeGreaterThanOrEqual(1);
  });

  it("retries 5xx refusals (in Meta's error envelope) with backoff until sent", async () => {
    await seedCitizens([{ id: "a", waId: "436641", channels: ["ch_news"] }]);
    graph.failSendsTo("436641", { status: 500, code: 131000, message: "Something went wrong" }, { status: 503, code: 131016, message: "Service unavailable" });
    const id = await createAndSend();
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436641")).toBe(3);
    expect(await recipientRows(id)).toMatchObject([{ status: "sent", attempts: 3, error_code: null }]);
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("records permanent errors with a German reason and does not retry them", async () => {
    await seedCitizens([
      { id: "a", waId: "436651", channels: ["ch_news"] },
      { id: "b", waId: "436652", channels: ["ch_news"] },
      { id: "c", waId: "436653", channels: ["ch_news"] },
    ]);
    graph.failSendsTo("436651", { status: 400, code: 131026, message: "Message undeliverable" });
    graph.failSendsTo("436652", { status: 400, code: 131047, message: "Re-engagement message" });
    const id = await createAndSend();
    await drainQueue(queue);
    expect(graph.messages()).toHaveLength(3);
    const rows = await recipientRows(id);
    expect(rows.map((r) => [r.citizen_id, r.status, r.error_code])).toEqual([
      ["a", "failed", 131026],
      ["b", "failed", 131047],
      ["c", "sent", null],
    ]);
    expect(rows[0]!.error_reason).toContain("nicht zustellbar");
    expect(rows[1]!.error_reason).toContain("24 Stunden");
    expect(await count("dead_letters")).toBe(0);
    const detail = await (await api(`/api/broadcasts/${id}`, { as: editor })).json<{
      broadcast: { counts: Record<string, number>; failedByReason: { code: number; count: number; reason: string }[]; progress: number };
    }>();
    expect(detail.broadcast.counts).toMatchObject({ recipients: 3, sent: 1, failed: 2, queued: 0 });
    expect(detail.broadcast.failedByReason.map((f) => f.code).sort()).toEqual([131026, 131047]);
    expect(detail.broadcast.progress).toBe(1);
  });

  it("131050 marks the recipient failed and unsubscribes the citizen with a consent event", async () => {
    await seedCitizens([{ id: "a", waId: "436661", channels: ["ch_news", "ch_events"] }]);
    graph.failSendsTo("436661", { status: 400, code: 131050, message: "User has stopped marketing messages" });
    const id = await createAndSend();
    await drainQueue(queue);
    expect(await recipientRows(id)).toMatchObject([{ status: "failed", error_code: 131050 }]);
    expect(await count("subscriptions", "citizen_id = 'a' AND active = 1")).toBe(0);
    const events = await env.DB.prepare("SELECT channel_id, action, source FROM consent_events WHERE citizen_id = 'a' ORDER BY channel_id").all();
    expect(events.results).toEqual([
      { channel_id: "ch_events", action: "unsubscribe_all", source: "meta_opt_out" },
      { channel_id: "ch_news", action: "unsubscribe_all", source: "meta_opt_out" },
    ]);
  });

  it("gives a recipient up after repeated transient errors and lists it as a dead letter", async () => {
    await seedCitizens([{ id: "a", waId: "436671", channels: ["ch_news"] }]);
    const id = await createAndSend();
    // Four attempts already failed earlier; the fifth fails too.
    await env.DB.prepare("UPDATE broadcast_recipients SET attempts = ? WHERE citizen_id = 'a'").bind(MAX_SEND_ATTEMPTS - 1).run();
    graph.failSendsTo("436671", { status: 503, code: 131016, message: "Service unavailable" });
    await drainQueue(queue);
    const [row] = await recipientRows(id);
    expect(row).toMatchObject({ status: "failed", error_code: 131016, attempts: MAX_SEND_ATTEMPTS });
    expect(row!.error_reason).toContain(`nach ${MAX_SEND_ATTEMPTS} Versuchen aufgegeben`);
    const res = await api("/api/dead-letters", { as: editor });
    const { deadLetters } = await res.json<{ deadLetters: { queue: string; summary: string; broadcast: { id: string; title: string } }[] }>();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ queue: "townwire-broadcasts", broadcast: { id, title: "Wochenrückblick" } });
    expect(deadLetters[0]!.summary).toContain("aufgegeben");
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("an expired access token (190) pauses the broadcast and alerts the admins instead of failing everyone", async () => {
    await seedCitizens([{ id: "a", waId: "436681", channels: ["ch_news"] }, { id: "b", waId: "436682", channels: ["ch_news"] }]);
    graph.failNextSends({ status: 401, code: 190, message: "Error validating access token" });
    const id = await createAndSend();
    await drainQueue(queue);
    expect(await broadcastStatus(id)).toBe("paused");
    const rows = await recipientRows(id);
    expect(rows.filter((r) => r.status === "failed")).toHaveLength(0);
    expect(await count("admin_alerts", "kind = 'whatsapp_token'")).toBe(1);
    await act(id, "resume");
    await drainQueue(queue);
    expect((await recipientRows(id)).map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  it("a malformed queue message is recorded as a dead letter and acked", async () => {
    const result = await runChunks([{ type: "broadcast.chunk", broadcastId: "x" }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await count("dead_letters", "queue = 'townwire-broadcasts'")).toBe(1);
  });
});

