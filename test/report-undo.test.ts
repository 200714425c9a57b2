import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inboxDeps } from "../worker/inbox/deps";
import { cancelScheduled, sendDueScheduled, sendScheduled, UNDO_MS } from "../worker/inbox/scheduled-notices";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { addTemplate, citizenWrites, setLastInbound } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string } };

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

const deps = () => inboxDeps(env);

async function reportWithNews(as: Awaited<ReturnType<typeof loginAs>>) {
  const c = await citizenWrites("Die Straßenlaterne vor Hausnummer 4 ist kaputt", { from: "436641235555" });
  const res = await api(`/api/conversations/${c.conversationId}/report`, { method: "PATCH", as, body: { category: "Beleuchtung" } });
  expect(res.status).toBe(200);
  const detail = await (await api(`/api/conversations/${c.conversationId}`, { as })).json<{ messages: MessageView[] }>();
  const news = detail.messages.find((m) => m.direction === "out");
  if (!news) throw new Error("no status news stored");
  return { ...c, news };
}

describe("report status news with undo", () => {
  it("waits as 'Bürger:in wird benachrichtigt' (scheduled, automatic, not under the clerk's name) and goes out after the undo time", async () => {
    const agent = await loginAs("agent");
    const { news } = await reportWithNews(agent);
    expect(news).toMatchObject({ status: "scheduled", staffId: null, automatic: true });
    expect(news.undoUntil).toBeGreaterThan(Date.now());
    expect(news.undoUntil).toBeLessThanOrEqual(Date.now() + UNDO_MS);
    expect(graph.messages()).toHaveLength(0);
    // Before its time nothing is sent, even when the job runs early.
    expect(await sendScheduled(deps(), news.id, Date.now())).toBe("not_due");
    expect(await sendDueScheduled(deps(), (news.undoUntil ?? 0) - 1)).toBe(0);
    expect(graph.messages()).toHaveLength(0);
    expect(await sendDueScheduled(deps(), (news.undoUntil ?? 0) + 1)).toBe(1);
    expect(graph.messages()).toHaveLength(1);
    const row = await env.DB.prepare("SELECT status, staff_id FROM messages WHERE id = ?").bind(news.id).first();
    expect(row).toEqual({ status: "sent", staff_id: null });
    // Running again (a redelivered job) sends nothing more.
    expect(await sendScheduled(deps(), news.id, (news.undoUntil ?? 0) + 5_000)).toBe("gone");
    expect(graph.messages()).toHaveLength(1);
  });

  it("undo within the time cancels it: never sent", async () => {
    const agent = await loginAs("agent");
    const { conversationId, news } = await reportWithNews(agent);
    const res = await api(`/api/conversations/${conversationId}/messages/${news.id}/cancel`, { as: agent, body: {} });
    expect(res.status).toBe(200);
    expect((await res.json<{ message: MessageView }>()).message.status).toBe("cancelled");
    expect(await sendDueScheduled(deps(), Date.now() + UNDO_MS + 1)).toBe(0);
    expect(graph.messages()).toHaveLength(0);
    // Undoing twice is fine.
    expect((await api(`/api/conversations/${conversationId}/messages/${news.id}/cancel`, { as: agent, body: {} })).status).toBe(200);
  });

  it("undo after the deadline is refused in German, and the news still goes out", async () => {
    const agent = await loginAs("agent");
    const { conversationId, news } = await reportWithNews(agent);
    const late = (news.undoUntil ?? 0) + 1;
    await expect(cancelScheduled(deps(), agent.staff, conversationId, news.id, late)).rejects.toMatchObject({ kind: "conflict", code: "too_late" });
    await sendDueScheduled(deps(), late);
    const res = await api(`/api/conversations/${conversationId}/messages/${news.id}/cancel`, { as: agent, body: {} });
    expect(res.status).toBe(409);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("too_late");
    expect(err.error.message).toMatch(/schon unterwegs/);
    expect(graph.messages()).toHaveLength(1);
  });

  it("undo of an unknown message, or of one in another conversation, is 404; a citizen's message cannot be undone", async () => {
    const agent = await loginAs("agent");
    const { conversationId, news, messageId } = await reportWithNews(agent);
    expect((await api(`/api/conversations/${conversationId}/messages/abc123/cancel`, { as: agent, body: {} })).status).toBe(404);
    expect((await api(`/api/conversations/other1/messages/${news.id}/cancel`, { as: agent, body: {} })).status).toBe(404);
    expect((await api(`/api/conversations/${conversationId}/messages/${messageId}/cancel`, { as: agent, body: {} })).status).toBe(409);
  });

  it("outside the window the news waits as the template, and is sent as one", async () => {
    const agent = await loginAs("agent");
    await addTemplate({ name: "meldung_status", body: "Neuigkeiten zu Ihrer Meldung: {{1}}", parameterCount: 1 });
    const c = await citizenWrites("Müll am Spielplatz", { from: "436641236666" });
    await setLastInbound(c.citizenId, 30);
    await api(`/api/conversations/${c.conversationId}/report`, { method: "PATCH", as: agent, body: { category: "Müll" } });
    await sendDueScheduled(deps(), Date.now() + UNDO_MS + 1);
    expect(graph.messages()[0]?.body).toMatchObject({ type: "template", template: { name: "meldung_status" } });
  });
});
