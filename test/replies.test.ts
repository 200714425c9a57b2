import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { addTemplate, citizenWrites, setLastInbound } from "./helpers/inbox";
import { postWebhook, statusValue, envelope, ts } from "./helpers/meta";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

const reply = (conversationId: string, as: Awaited<ReturnType<typeof loginAs>>, body: Record<string, unknown>) =>
  api(`/api/conversations/${conversationId}/messages`, { as, body });

const messageRow = (id: string) =>
  env.DB.prepare("SELECT * FROM messages WHERE id = ?").bind(id).first<{ status: string; wamid: string | null; direction: string; staff_id: string; error_code: number | null }>();

describe("replies inside the 24-hour window", () => {
  it("go out as text with callback data m:<id>, stored first as pending, then sent with the wamid", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Wann ist der Recyclinghof offen?", { from: "436641234567" });
    const res = await reply(c.conversationId, agent, { text: "Grüß Gott! Montag bis Freitag 8–12 Uhr." });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ direction: "out", type: "text", status: "sent", staffId: agent.staff.id, text: "Grüß Gott! Montag bis Freitag 8–12 Uhr." });
    const sent = graph.messages();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      to: "436641234567",
      type: "text",
      text: { body: "Grüß Gott! Montag bis Freitag 8–12 Uhr." },
      biz_opaque_callback_data: `m:${message.id}`,
    });
    expect((await messageRow(message.id))?.wamid).toBe("wamid.fake1");
    // Replying claims an unclaimed conversation for the sender.
    const conv = await env.DB.prepare("SELECT assignee_id, last_message_preview FROM conversations WHERE id = ?").bind(c.conversationId).first<{ assignee_id: string; last_message_preview: string }>();
    expect(conv).toEqual({ assignee_id: agent.staff.id, last_message_preview: "Grüß Gott! Montag bis Freitag 8–12 Uhr." });
  });

  it("status webhooks then move it forward (delivered, read), matched by wamid", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    const { message } = await (await reply(c.conversationId, agent, { text: "Hallo zurück" })).json<{ message: MessageView }>();
    await postWebhook(envelope(statusValue([{ id: "wamid.fake1", status: "delivered", timestamp: ts(), recipient_id: "436641234567" }])));
    expect((await messageRow(message.id))?.status).toBe("delivered");
    await postWebhook(envelope(statusValue([{ id: "wamid.fake1", status: "read", timestamp: ts(), recipient_id: "436641234567" }])));
    const detail = await (await api(`/api/conversations/${c.conversationId}`, { as: agent })).json<{ messages: MessageView[] }>();
    expect(detail.messages.at(-1)).toMatchObject({ id: message.id, status: "read" });
  });

  it("a failed send is stored as failed with the reason in German", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    graph.failNextSends({ status: 400, code: 131026, message: "Message undeliverable" });
    const res = await reply(c.conversationId, agent, { text: "Hallo" });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ status: "failed", errorCode: 131026 });
    expect(message.errorReason).toMatch(/nicht zustellbar/);
  });

  it("an expired access token (190) fails the message and raises an admin alert, once", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    graph.failNextSends({ status: 401, code: 190, message: "Error validating access token" }, { status: 401, code: 190 });
    const first = await (await reply(c.conversationId, agent, { text: "Eins" })).json<{ message: MessageView }>();
    await reply(c.conversationId, agent, { text: "Zwei" });
    expect(first.message).toMatchObject({ status: "failed", errorCode: 190 });
    expect(first.message.errorReason).toMatch(/Zugangsschlüssel/);
    const alerts = await env.DB.prepare("SELECT kind, message FROM admin_alerts").all<{ kind: string; message: string }>();
    expect(alerts.results).toHaveLength(1);
    expect(alerts.results[0]).toMatchObject({ kind: "whatsapp_token" });
    expect(alerts.results[0]?.message).toMatch(/WHATSAPP_ACCESS_TOKEN/);
  });

  it("a network error leaves the message unconfirmed (it may have arrived) without failing the request", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    graph.failNextSends("network");
    const res = await reply(c.conversationId, agent, { text: "Hallo" });
    expect(res.status).toBe(201);
    expect((await res.json<{ message: MessageView }>()).message.status).toBe("unconfirmed");
  });

  it("refuses empty or oversized text with 400 and stores nothing", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    for (const body of [{ text: "   " }, {}, { text: "x".repeat(4097) }, { text: 5 }, { text: "ok", takeover: "ja" }]) {
      const res = await reply(c.conversationId, agent, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect(await count("messages", "direction = 'out'")).toBe(0);
    expect(graph.messages()).toHaveLength(0);
    expect((await reply("gibtsnicht", agent, { text: "Hallo" })).status).toBe(404);
  });
});

describe("collision: replies to a conversation someone else holds", () => {
  it("are refused with 409 naming the holder, and nothing is sent", async () => {
    const c = await citizenWrites("Hallo");
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const bernd = await loginAs({ role: "agent", name: "Bernd" });
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: anna });
    const res = await reply(c.conversationId, bernd, { text: "Ich antworte auch" });
    expect(res.status).toBe(409);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("claimed_by_other");
    expect(err.error.details).toEqual({ assignee: { id: anna.staff.id, name: "Anna" } });
    expect(graph.messages()).toHaveLength(0);
    expect(await count("messages", "direction = 'out'")).toBe(0);
  });

  it("go through with takeover:true, which moves the conversation to the sender", async () => {
    const c = await citizenWrites("Hallo");
    const anna = await loginAs("agent");
    const bernd = await loginAs("agent");
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: anna });
    const res = await reply(c.conversationId, bernd, { text: "Ich übernehme", takeover: true });
    expect(res.status).toBe(201);
    expect(graph.messages()).toHaveLength(1);
    const detail = await (await api(`/api/conversations/${c.conversationId}`, { as: anna })).json<{ conversation: { assignee: { id: string } } }>();
    expect(detail.conversation.assignee.id).toBe(bernd.staff.id);
    // Now Anna is the one refused.
    expect((await reply(c.conversationId, anna, { text: "Doch ich" })).status).toBe(409);
  });

  it("the holder replies freely; a resolved conversation takes no replies", async () => {
    const c = await citizenWrites("Hallo");
    const anna = await loginAs("agent");
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: anna });
    expect((await reply(c.conversationId, anna, { text: "Hallo" })).status).toBe(201);
    await api(`/api/conversations/${c.conversationId}/resolve`, { method: "POST", as: anna });
    const res = await reply(c.conversationId, anna, { text: "Noch was" });
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe("conversation_resolved");
  });
});

describe("the 24-hour window", () => {
  it("just inside 24 hours free text still goes out", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    await setLastInbound(c.citizenId, 23.9);
    expect((await reply(c.conversationId, agent, { text: "Noch rechtzeitig" })).status).toBe(201);
  });

  it("after 24 hours free text is refused with 422 outside_window; nothing is stored or sent", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    await setLastInbound(c.citizenId, 24.01);
    const res = await reply(c.conversationId, agent, { text: "Zu spät" });
    expect(res.status).toBe(422);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("outside_window");
    expect(err.error.message).toMatch(/Vorlage/);
    expect(graph.messages()).toHaveLength(0);
    expect(await count("messages", "direction = 'out'")).toBe(0);
    // And the conversation was not claimed by the refused attempt.
    const conv = await env.DB.prepare("SELECT assignee_id FROM conversations WHERE id = ?").bind(c.conversationId).first<{ assignee_id: string | null }>();
    expect(conv?.assignee_id).toBeNull();
  });

  it("an approved template can be sent outside the window", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo", { from: "436641234567" });
    await setLastInbound(c.citizenId, 48);
    await addTemplate({ name: "rueckfrage", body: "Grüß Gott {{1}}! Wir haben eine Frage zu Ihrer Nachricht: {{2}}", parameterCount: 2 });
    const res = await api(`/api/conversations/${c.conversationId}/template`, {
      as: agent,
      body: { name: "rueckfrage", language: "de", parameters: ["Frau Huber", "Wo genau ist das?"] },
    });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ type: "template", status: "sent", text: "Grüß Gott Frau Huber! Wir haben eine Frage zu Ihrer Nachricht: Wo genau ist das?" });
    expect(graph.messages()[0]?.body).toMatchObject({
      to: "436641234567",
      type: "template",
      template: {
        name: "rueckfrage",
        language: { code: "de" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Frau Huber" }, { type: "text", text: "Wo genau ist das?" }] }],
      },
      biz_opaque_callback_data: `m:${message.id}`,
    });
  });

  it("refuses unknown, unapproved or wrongly filled templates with 422", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    await addTemplate({ name: "zwei", body: "{{1}} {{2}}", parameterCount: 2 });
    await addTemplate({ name: "abgelehnt", body: "x", parameterCount: 0, status: "REJECTED" });
    const send = (body: unknown) => api(`/api/conversations/${c.conversationId}/template`, { as: agent, body });
    const cases: [unknown, number, string][] = [
      [{ name: "gibtsnicht", language: "de", parameters: [] }, 422, "unknown_template"],
      [{ name: "abgelehnt", language: "de", parameters: [] }, 422, "unknown_template"],
      [{ name: "zwei", language: "en", parameters: ["a", "b"] }, 422, "unknown_template"],
      [{ name: "zwei", language: "de", parameters: ["a"] }, 422, "template_parameters"],
      [{ name: "zwei", language: "de", parameters: ["a", ""] }, 400, "bad_request"],
      [{ name: "zwei" }, 400, "bad_request"],
    ];
    for (const [body, status, code] of cases) {
      const res = await send(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<ErrorBody>()).error.code).toBe(code);
    }
    expect(graph.messages()).toHaveLength(0);
  });
});

describe("internal notes", () => {
  it("are stored as direction note, shown in the conversation, and never sent to WhatsApp", async () => {
    const agent = await loginAs("agent");
    const other = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: other });
    // Anyone may add a note, even to a conversation someone else holds, even outside the window.
    await setLastInbound(c.citizenId, 30);
    const res = await api(`/api/conversations/${c.conversationId}/notes`, { as: agent, body: { text: "Bauhof ist informiert." } });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: MessageView }>();
    expect(message).toMatchObject({ direction: "note", type: "note", text: "Bauhof ist informiert.", staffId: agent.staff.id });
    expect(graph.sent).toHaveLength(0);
    const detail = await (await api(`/api/conversations/${c.conversationId}`, { as: agent })).json<{ messages: MessageView[] }>();
    expect(detail.messages.map((m) => m.direction)).toEqual(["in", "note"]);
    expect((await api(`/api/conversations/${c.conversationId}/notes`, { as: agent, body: { text: "" } })).status).toBe(400);
    expect((await api(`/api/conversations/nope/notes`, { as: agent, body: { text: "x" } })).status).toBe(404);
  });
});
