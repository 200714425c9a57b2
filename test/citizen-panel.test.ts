import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CitizenPanel } from "../worker/outreach/citizen-panel";
import { api, loginAs } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenWrites } from "./helpers/inbox";
import { quietCitizen } from "./helpers/outreach";

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

const panel = async (conversationId: string, as: Awaited<ReturnType<typeof loginAs>>) =>
  (await api(`/api/conversations/${conversationId}/citizen`, { as })).json<CitizenPanel>();

describe("the citizen panel", () => {
  it("shows yesterday's answer next to today's follow-up, and links the previous conversation", async () => {
    const agent = await loginAs("agent");
    const first = await citizenWrites("Brauche ich für den Personalausweis einen Termin?", { from: "436641231111", name: "Maria Huber" });
    await api(`/api/conversations/${first.conversationId}/messages`, { as: agent, body: { text: "Nein, ohne Termin, Mo–Fr 8–12 Uhr." } });
    await api(`/api/conversations/${first.conversationId}/notes`, { as: agent, body: { text: "intern" } });
    await api(`/api/conversations/${first.conversationId}/resolve`, { as: agent, body: {} });
    await env.DB.prepare("UPDATE conversations SET created_at = created_at - 86400000 WHERE id = ?").bind(first.conversationId).run();
    const followUp = await citizenWrites("Gilt das auch für den Reisepass?", { from: "436641231111" });
    expect(followUp.conversationId).not.toBe(first.conversationId);

    const p = await panel(followUp.conversationId, agent);
    expect(p.citizen).toMatchObject({ name: "Maria Huber", waId: "436641231111", erased: false });
    expect(p.previousConversationId).toBe(first.conversationId);
    expect(p.conversations).toHaveLength(1);
    const earlier = p.conversations[0];
    expect(earlier).toMatchObject({ id: first.conversationId, status: "resolved" });
    // The answer is there; internal notes are not.
    expect(earlier?.lastMessages.map((m) => [m.direction, m.text])).toEqual([
      ["in", "Brauche ich für den Personalausweis einen Termin?"],
      ["out", "Nein, ohne Termin, Mo–Fr 8–12 Uhr."],
    ]);
    expect(earlier?.lastMessages[1]?.automatic).toBe(false);
    // The first conversation has no previous one; it sees the later one as "other".
    const back = await panel(first.conversationId, agent);
    expect(back.previousConversationId).toBeNull();
    expect(back.conversations.map((c) => c.id)).toEqual([followUp.conversationId]);
  });

  it("lists channels with consent and dates, reports of earlier conversations", async () => {
    const agent = await loginAs("agent");
    const citizenId = await quietCitizen({ subscribed: true, waId: "436601230000" });
    const old = await env.DB.prepare(
      "INSERT INTO conversations (id, citizen_id, status, report_category, report_status, created_at, last_message_at) VALUES ('oldconv1', ?, 'resolved', 'Beleuchtung', 'erledigt', 1, 1) RETURNING id",
    ).bind(citizenId).first<{ id: string }>();
    const now = await env.DB.prepare("INSERT INTO conversations (id, citizen_id, status, created_at, last_message_at) VALUES ('newconv1', ?, 'open', 5, 5)").bind(citizenId).run();
    expect(old && now.success).toBeTruthy();
    const p = await panel("newconv1", agent);
    expect(p.channels).toEqual([expect.objectContaining({ channelId: "ch_newsletter", channelName: "Newsletter", active: true, since: expect.any(Number) })]);
    expect(p.conversations[0]).toMatchObject({ id: "oldconv1", report: { category: "Beleuchtung", status: "erledigt" }, lastMessages: [] });
    expect(p.previousConversationId).toBe("oldconv1");
    expect(p.stopped).toBe(false);
  });

  it("answers 404 in German for an unknown conversation and 400 for a bad id", async () => {
    const agent = await loginAs("agent");
    const missing = await api("/api/conversations/abc123/citizen", { as: agent });
    expect(missing.status).toBe(404);
    expect((await missing.json<{ error: { message: string } }>()).error.message).toMatch(/nicht gefunden/);
    expect((await api("/api/conversations/UPPER!/citizen", { as: agent })).status).toBe(400);
  });
});
