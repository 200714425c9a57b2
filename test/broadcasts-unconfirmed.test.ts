// A send whose HTTP answer is lost (WhatsApp took the message, then the connection dropped) is never
// sent again at once: the recipient waits as "unconfirmed" for the status webhook with its callback
// data, and only after the bound (BROADCAST_STUCK_AFTER_SECONDS) with no evidence is it sent again.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_SEND_ATTEMPTS } from "../worker/broadcasts/message";
import worker from "../worker/index";
import { api } from "./helpers/auth";
import { broadcastStatus, drainQueue, recipientRows, seedCitizens, seedSubscribers } from "./helpers/broadcasts";
import { createAndSend, editor, graph, queue, sendsPerRecipient, useBroadcastFixture } from "./helpers/broadcast-fixture";
import type { AcceptedMessage } from "./helpers/fake-graph";
import { envelope, postWebhook, statusValue, ts } from "./helpers/meta";

useBroadcastFixture();

const MINUTE = 60_000;
/** The default bound: 10 minutes without a status webhook. */
const BOUND = 10 * MINUTE;

async function cron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Meta's "sent" status for an accepted message, stamped with the time WhatsApp says it happened. */
async function statusWebhook(m: AcceptedMessage, at: number, status = "sent", extra: Record<string, unknown> = {}): Promise<void> {
  const res = await postWebhook(
    envelope(
      statusValue([
        { id: m.wamid, status, timestamp: ts(new Date(at)), recipient_id: m.to, ...(m.callbackData ? { biz_opaque_callback_data: m.callbackData } : {}), ...extra },
      ]),
    ),
  );
  expect(res.status).toBe(200);
}

async function counts(id: string): Promise<Record<string, number>> {
  const res = await api(`/api/broadcasts/${id}`, { as: editor });
  return (await res.json<{ broadcast: { counts: Record<string, number> } }>()).broadcast.counts;
}

/** A small deterministic random source, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe("lost answers", () => {
  it("20 % of answers dropped, status webhooks 0.3–5 s later, in any order: nobody twice, nobody lost", async () => {
    const ids = await seedSubscribers("ch_news", 60);
    const phones = await env.DB.prepare("SELECT wa_id FROM citizens ORDER BY id").all<{ wa_id: string }>();
    const rnd = random(7);
    // Every fifth recipient's answer is lost after WhatsApp took the message.
    phones.results.forEach((p, i) => i % 5 === 2 && graph.failSendsTo(p.wa_id, "drop"));
    const id = await createAndSend();
    await drainQueue(queue);

    expect([...sendsPerRecipient().values()].every((n) => n === 1)).toBe(true);
    expect(graph.messages()).toHaveLength(60);
    const waiting = (await recipientRows(id)).filter((r) => r.status === "unconfirmed");
    expect(waiting).toHaveLength(12);
    expect(waiting.every((r) => r.wamid === null && r.error_reason?.includes("wartet auf Bestätigung"))).toBe(true);
    expect(await counts(id)).toMatchObject({ recipients: 60, sent: 48, unconfirmed: 12, queued: 0 });
    expect(await broadcastStatus(id)).toBe("sending");

    // The status webhooks come 0.3–5 s after each send, so not in the order of sending.
    const start = Date.now();
    const arrivals = graph.accepted.map((m, i) => ({ m, at: start + i * 20 + 300 + Math.floor(rnd() * 4_700) })).sort((a, b) => a.at - b.at);
    for (const { m, at } of arrivals.slice(0, 30)) await statusWebhook(m, at);
    // A cron run in between (well before the bound) sends nothing again.
    await cron(start + MINUTE);
    expect(queue.messages).toHaveLength(0);
    for (const { m, at } of arrivals.slice(30)) await statusWebhook(m, at);
    // Delivered statuses follow, twice for some (Meta redelivers).
    for (const { m, at } of arrivals.slice(0, 10)) await statusWebhook(m, at + 2_000, "delivered");
    for (const { m, at } of arrivals.slice(0, 5)) await statusWebhook(m, at + 2_000, "delivered");

    await cron(start + BOUND + 2 * MINUTE);
    await drainQueue(queue);
    expect(graph.messages()).toHaveLength(60);
    const rows = await recipientRows(id);
    expect(rows.map((r) => r.citizen_id)).toEqual(ids);
    expect(rows.every((r) => r.status === "sent" || r.status === "delivered")).toBe(true);
    // Each row holds the wamid WhatsApp gave its one message (from the status when the answer was lost).
    const wamidOf = new Map(graph.accepted.map((m) => [m.callbackData, m.wamid]));
    expect(rows.every((r) => r.wamid === wamidOf.get(`b:${id}:${r.citizen_id}:c`))).toBe(true);
    expect(await counts(id)).toMatchObject({ recipients: 60, sent: 60, delivered: 10, unconfirmed: 0 });
    expect(await broadcastStatus(id)).toBe("done");
  }, 60_000);

  it("no status ever: sent again exactly once, only after the bound", async () => {
    await seedCitizens([
      { id: "a", waId: "436611", channels: ["ch_news"] },
      { id: "b", waId: "436612", channels: ["ch_news"] },
    ]);
    graph.failSendsTo("436611", "drop");
    const id = await createAndSend();
    await drainQueue(queue);
    const sentAt = Date.now();
    expect(sendsPerRecipient().get("436611")).toBe(1);
    expect((await recipientRows(id)).map((r) => [r.citizen_id, r.status])).toEqual([
      ["a", "unconfirmed"],
      ["b", "sent"],
    ]);

    for (const at of [sentAt + MINUTE, sentAt + 5 * MINUTE, sentAt + BOUND - MINUTE]) {
      await cron(at);
      expect(queue.messages).toHaveLength(0);
    }
    await cron(sentAt + BOUND + MINUTE);
    expect(queue.messages.map((m) => m.body.citizenIds)).toEqual([["a"]]);
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436611")).toBe(2);
    expect((await recipientRows(id))[0]).toMatchObject({ status: "sent", attempts: 2, error_code: null, error_reason: null });
    expect(await broadcastStatus(id)).toBe("done");

    // And never again, however long the cron keeps running.
    await cron(sentAt + 3 * BOUND);
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436611")).toBe(2);
  });

  it("a gateway's 504 without Meta's envelope (WhatsApp may have taken it) waits the same way", async () => {
    await seedCitizens([{ id: "a", waId: "436616", channels: ["ch_news"] }]);
    graph.failSendsTo("436616", "gateway");
    const id = await createAndSend();
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436616")).toBe(1);
    expect((await recipientRows(id))[0]).toMatchObject({ status: "unconfirmed" });
    await statusWebhook(graph.accepted[0]!, Date.now());
    expect((await recipientRows(id))[0]).toMatchObject({ status: "sent", wamid: graph.accepted[0]!.wamid });
  });

  it("a clear refusal in Meta's envelope is retried at once, as before", async () => {
    await seedCitizens([{ id: "a", waId: "436621", channels: ["ch_news"] }]);
    graph.failSendsTo(
      "436621",
      { status: 429, code: 130429, message: "Rate limit hit" },
      { status: 500, code: 131000, message: "Something went wrong" },
      { status: 503, code: 131016, message: "Service unavailable" },
    );
    const id = await createAndSend();
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436621")).toBe(4);
    expect((await recipientRows(id))[0]).toMatchObject({ status: "sent", attempts: 3 });
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("a status webhook after the cron queued it again, but before the resend, still prevents the duplicate", async () => {
    await seedCitizens([{ id: "a", waId: "436631", channels: ["ch_news"] }]);
    graph.failSendsTo("436631", "drop");
    const id = await createAndSend();
    await drainQueue(queue);
    const sentAt = Date.now();
    await cron(sentAt + BOUND + MINUTE);
    expect((await recipientRows(id))[0]?.status).toBe("queued");
    // Meta's status was very late, but it came before the chunk ran.
    await statusWebhook(graph.accepted[0]!, sentAt + 1_000);
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436631")).toBe(1);
    expect((await recipientRows(id))[0]).toMatchObject({ status: "sent", wamid: graph.accepted[0]!.wamid });
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("residual risk: a status webhook later than the bound and after the resend means one duplicate, counted once", async () => {
    await seedCitizens([{ id: "a", waId: "436641", channels: ["ch_news"] }]);
    graph.failSendsTo("436641", "drop");
    const id = await createAndSend();
    await drainQueue(queue);
    const sentAt = Date.now();
    await cron(sentAt + BOUND + MINUTE);
    await drainQueue(queue);
    // WhatsApp had taken the first one after all: its status comes only now.
    await statusWebhook(graph.accepted[0]!, sentAt + 1_000);
    expect(sendsPerRecipient().get("436641")).toBe(2);
    expect(graph.accepted.map((m) => m.callbackData)).toEqual([`b:${id}:a:c`, `b:${id}:a:c`]);
    const [row] = await recipientRows(id);
    expect(row).toMatchObject({ status: "sent", wamid: graph.accepted[1]!.wamid });
    expect(await counts(id)).toMatchObject({ recipients: 1, sent: 1 });
  });

  it("a failed status for an unconfirmed send settles it as failed, never sent again", async () => {
    await seedCitizens([{ id: "a", waId: "436651", channels: ["ch_news"] }]);
    graph.failSendsTo("436651", "drop");
    const id = await createAndSend();
    await drainQueue(queue);
    await statusWebhook(graph.accepted[0]!, Date.now(), "failed", {
      errors: [{ code: 131026, title: "Message undeliverable", error_data: { details: "Message Undeliverable." } }],
    });
    await cron(Date.now() + BOUND + MINUTE);
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436651")).toBe(1);
    expect((await recipientRows(id))[0]).toMatchObject({ status: "failed", error_code: 131026 });
    expect(await broadcastStatus(id)).toBe("done");
  });

  it("after the last attempt without any word from WhatsApp the recipient is given up, not sent for ever", async () => {
    await seedCitizens([{ id: "a", waId: "436661", channels: ["ch_news"] }]);
    graph.failSendsTo("436661", "drop");
    const id = await createAndSend();
    await env.DB.prepare("UPDATE broadcast_recipients SET attempts = ? WHERE citizen_id = 'a'").bind(MAX_SEND_ATTEMPTS - 1).run();
    await drainQueue(queue);
    await cron(Date.now() + BOUND + MINUTE);
    await drainQueue(queue);
    expect(sendsPerRecipient().get("436661")).toBe(1);
    const [row] = await recipientRows(id);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_SEND_ATTEMPTS });
    expect(row!.error_reason).toContain("nie bestätigt");
    expect(await broadcastStatus(id)).toBe("done");
  });
});
