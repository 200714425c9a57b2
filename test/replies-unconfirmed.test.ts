// Staff replies and test-sends whose HTTP answer is lost: shown as "unconfirmed" (not failed, not sent
// again at once), settled by the status webhook with the callback data, sent again by the cron only
// after the bound without any evidence.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GIVEN_UP_TITLE, MAX_RESENDS } from "../worker/inbox/unconfirmed";
import worker from "../worker/index";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { resetPacer, seedChannel } from "./helpers/broadcasts";
import { incomingText, runInboundJob, seedChannels } from "./helpers/citizens";
import { installFakeGraph, type AcceptedMessage, type FakeGraph } from "./helpers/fake-graph";
import { addTemplate, citizenWrites } from "./helpers/inbox";
import { envelope, postWebhook, statusValue, ts } from "./helpers/meta";

const MINUTE = 60_000;
const BOUND = 10 * MINUTE;

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

async function cron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function statusWebhook(m: AcceptedMessage, status = "sent"): Promise<void> {
  const value = statusValue([{ id: m.wamid, status, timestamp: ts(), recipient_id: m.to, biz_opaque_callback_data: m.callbackData }]);
  expect((await postWebhook(envelope(value))).status).toBe(200);
}

const row = (id: string) =>
  env.DB.prepare("SELECT status, wamid, error_code, error_title FROM messages WHERE id = ?")
    .bind(id)
    .first<{ status: string; wamid: string | null; error_code: number | null; error_title: string | null }>();

async function replyLost(text = "Der Recyclinghof hat Montag offen.") {
  const agent = await loginAs("agent");
  const c = await citizenWrites("Wann hat der Recyclinghof offen?", { from: "436641234567" });
  graph.failNextSends("drop");
  const res = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text } });
  expect(res.status).toBe(201);
  const { message } = await res.json<{ message: MessageView }>();
  return { agent, c, message, sentAt: Date.now() };
}

describe("staff replies whose answer is lost", () => {
  it("are shown as unconfirmed in the answer and the history; the status webhook confirms them with its wamid", async () => {
    const { agent, c, message, sentAt } = await replyLost();
    expect(message).toMatchObject({ status: "unconfirmed", errorReason: null });
    const detail = await (await api(`/api/conversations/${c.conversationId}`, { as: agent })).json<{ messages: MessageView[] }>();
    expect(detail.messages.at(-1)).toMatchObject({ id: message.id, status: "unconfirmed" });

    await cron(sentAt + MINUTE);
    expect(graph.messages()).toHaveLength(1);
    await statusWebhook(graph.accepted[0]!);
    expect(await row(message.id)).toMatchObject({ status: "sent", wamid: graph.accepted[0]!.wamid, error_code: null });
    await statusWebhook(graph.accepted[0]!, "delivered");
    await cron(sentAt + BOUND + MINUTE);
    expect(graph.messages()).toHaveLength(1);
    expect((await row(message.id))?.status).toBe("delivered");
  });

  it("without any status they are sent again once, only after the bound, with the same callback data", async () => {
    const { message, sentAt } = await replyLost();
    await cron(sentAt + BOUND - MINUTE);
    expect(graph.messages()).toHaveLength(1);
    await cron(sentAt + BOUND + MINUTE);
    expect(graph.messages().map((m) => [m.body.biz_opaque_callback_data, (m.body.text as { body: string }).body])).toEqual([
      [`m:${message.id}`, "Der Recyclinghof hat Montag offen."],
      [`m:${message.id}`, "Der Recyclinghof hat Montag offen."],
    ]);
    expect(await row(message.id)).toMatchObject({ status: "sent", wamid: graph.accepted[1]!.wamid, error_code: null });
    await cron(sentAt + 3 * BOUND);
    expect(graph.messages()).toHaveLength(2);
  });

  it("a late status for the first send after the resend: the one documented duplicate, shown once", async () => {
    const { message, sentAt } = await replyLost();
    await cron(sentAt + BOUND + MINUTE);
    await statusWebhook(graph.accepted[0]!);
    expect(graph.messages()).toHaveLength(2);
    expect(await row(message.id)).toMatchObject({ status: "sent", wamid: graph.accepted[1]!.wamid });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE direction = 'out'").first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("are given up (failed, with a German hint) when every resend stays unconfirmed too", async () => {
    const { message, sentAt } = await replyLost();
    let at = sentAt;
    for (let i = 0; i < MAX_RESENDS; i++) {
      graph.failNextSends("drop");
      at += BOUND + MINUTE;
      await cron(at);
      expect((await row(message.id))?.status).toBe("unconfirmed");
    }
    await cron(at + BOUND + MINUTE);
    expect(graph.messages()).toHaveLength(1 + MAX_RESENDS);
    expect(await row(message.id)).toMatchObject({ status: "failed", error_title: GIVEN_UP_TITLE });
  });

  it("a template reply is sent again as the same template", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo", { from: "436641234567" });
    await addTemplate({ name: "rueckfrage", body: "Grüß Gott {{1}}!", parameterCount: 1 });
    graph.failNextSends("drop");
    const res = await api(`/api/conversations/${c.conversationId}/template`, { as: agent, body: { name: "rueckfrage", language: "de", parameters: ["Frau Huber"] } });
    const { message } = await res.json<{ message: MessageView }>();
    expect(message.status).toBe("unconfirmed");
    await cron(Date.now() + BOUND + MINUTE);
    expect(graph.messages()[1]?.body).toMatchObject({
      type: "template",
      template: { name: "rueckfrage", language: { code: "de" }, components: [{ type: "body", parameters: [{ type: "text", text: "Frau Huber" }] }] },
      biz_opaque_callback_data: `m:${message.id}`,
    });
    expect((await row(message.id))?.status).toBe("sent");
  });

  it("a clear refusal fails at once, as before, and is never sent again by the cron", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    graph.failNextSends({ status: 503, code: 131016, message: "Service unavailable" });
    const res = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text: "Hallo" } });
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ status: "failed", errorCode: 131016 });
    await cron(Date.now() + BOUND + MINUTE);
    expect(graph.messages()).toHaveLength(1);
  });

  it("a reply the Worker died while sending (still pending) is treated like an unconfirmed one", async () => {
    const c = await citizenWrites("Hallo", { from: "436641234567" });
    const old = Date.now() - BOUND - MINUTE;
    await env.DB.prepare(
      "INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, payload, status, staff_id, sent_at, created_at) VALUES ('m_crash', ?, ?, 'out', 'text', 'Hallo', '{}', 'pending', NULL, ?, ?)",
    )
      .bind(c.conversationId, c.citizenId, old, old)
      .run();
    // A bot reply is left to its own job (which holds a lease on it).
    await env.DB.prepare(
      `INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, payload, status, sent_at, created_at) VALUES ('re_x', ?, ?, 'out', 'text', 'Bot', '{"bot":true}', 'pending', ?, ?)`,
    )
      .bind(c.conversationId, c.citizenId, old, old)
      .run();
    await cron(Date.now());
    expect(graph.messages().map((m) => m.body.biz_opaque_callback_data)).toEqual(["m:m_crash"]);
    expect((await row("m_crash"))?.status).toBe("sent");
  });
});

describe("bot replies whose answer is lost", () => {
  it("are not sent again by the job's retry; after the bound the cron hands them back to the job, which sends once more", async () => {
    await seedChannels();
    const id = await incomingText("HILFE", { from: "436641000009" });
    graph.failNextSends("drop");
    expect(await runInboundJob(id)).toBe("ack");
    const reply = await env.DB.prepare("SELECT id FROM messages WHERE direction = 'out'").first<{ id: string }>();
    expect((await row(reply!.id))?.status).toBe("unconfirmed");
    // A redelivered job sends nothing.
    expect(await runInboundJob(id, 2)).toBe("ack");
    expect(graph.messages()).toHaveLength(1);

    const jobs = vi.spyOn(env.JOBS_QUEUE, "sendBatch").mockResolvedValue({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } });
    try {
      await cron(Date.now() + BOUND - MINUTE);
      expect(jobs).not.toHaveBeenCalled();
      await cron(Date.now() + BOUND + MINUTE);
      expect(jobs.mock.calls.flatMap(([batch]) => [...batch].map((m) => m.body))).toEqual([{ type: "inbound.process", messageId: id }]);
    } finally {
      jobs.mockRestore();
    }
    expect(await runInboundJob(id, 3)).toBe("ack");
    expect(graph.messages().map((m) => m.body.biz_opaque_callback_data)).toEqual([`m:${reply!.id}`, `m:${reply!.id}`]);
    expect((await row(reply!.id))?.status).toBe("sent");
  });

  it("a status webhook settles an unconfirmed bot reply: nothing is sent again", async () => {
    await seedChannels();
    const id = await incomingText("HILFE", { from: "436641000010" });
    graph.failNextSends("drop");
    await runInboundJob(id);
    await statusWebhook(graph.accepted[0]!);
    const jobs = vi.spyOn(env.JOBS_QUEUE, "sendBatch").mockResolvedValue({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } });
    try {
      await cron(Date.now() + BOUND + MINUTE);
      expect(jobs.mock.calls.flatMap(([batch]) => [...batch].map((m) => m.body))).not.toContainEqual({ type: "inbound.process", messageId: id });
    } finally {
      jobs.mockRestore();
    }
    expect(graph.messages()).toHaveLength(1);
  });
});

describe("test-send whose answer is lost", () => {
  beforeEach(async () => {
    await resetPacer();
    await seedChannel("ch_news", "Newsletter");
  });

  it("answers unconfirmed (not an error) and is not sent again", async () => {
    const editor = await loginAs({ role: "editor", phone: "436641112223" });
    const created = await api("/api/broadcasts", { as: editor, body: { title: "T", kind: "newsletter", text: "Probe", channelIds: ["ch_news"] } });
    const { broadcast } = await created.json<{ broadcast: { id: string } }>();
    graph.failNextSends("drop");
    const res = await api(`/api/broadcasts/${broadcast.id}/test`, { as: editor, method: "POST" });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ ok: true, unconfirmed: true, wamid: null, to: "436641112223" });
    expect(graph.messages()).toHaveLength(1);

    graph.failNextSends({ status: 503, code: 131016, message: "Service unavailable" });
    const refused = await api(`/api/broadcasts/${broadcast.id}/test`, { as: editor, method: "POST" });
    expect(refused.status).toBe(502);
  });
});
