import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationDetail } from "../worker/inbox/conversations";
import { inboxDeps } from "../worker/inbox/deps";
import { sendDueScheduled, UNDO_MS } from "../worker/inbox/scheduled-notices";
import { api, loginAs } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { addTemplate, citizenSendsLocation, citizenWrites, setLastInbound } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string } };

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => graph.restore());

/** Changes the report, then lets its status news go out (as if the undo time had passed). */
async function patchReport(id: string, as: Awaited<ReturnType<typeof loginAs>>, body: unknown): Promise<Response> {
  const res = await api(`/api/conversations/${id}/report`, { method: "PATCH", as, body });
  await sendDueScheduled(inboxDeps(env), Date.now() + UNDO_MS);
  return res;
}

const texts = () => graph.messages().map((m) => (m.body.text as { body?: string } | undefined)?.body);

describe("incident reports", () => {
  it("marking a conversation as a report takes the citizen's last location and tells them", async () => {
    const agent = await loginAs("agent");
    await citizenWrites("Im Stadtpark wurde eine Bank beschmiert", { from: "436641234567" });
    const c = await citizenSendsLocation({ latitude: 48.2082, longitude: 16.3738, name: "Stadtpark", address: "Parkring 1" });
    const res = await patchReport(c.conversationId, agent, { category: "Vandalismus" });
    expect(res.status).toBe(200);
    const { conversation } = await res.json<{ conversation: ConversationDetail }>();
    expect(conversation.report).toEqual({ category: "Vandalismus", status: "neu", latitude: 48.2082, longitude: 16.3738, address: "Stadtpark, Parkring 1", publicSummary: null, mergedInto: null });
    expect(texts()).toEqual(["Danke für Ihre Meldung (Vandalismus). Wir haben sie aufgenommen und kümmern uns darum."]);
    // The list shows it too.
    const list = await (await api("/api/conversations", { as: agent })).json<{ conversations: { report: unknown }[] }>();
    expect(list.conversations[0]?.report).toEqual({ category: "Vandalismus", status: "neu" });
  });

  it("each status change (neu → in_bearbeitung → erledigt) notifies the citizen once, in German", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Schlagloch in der Hauptstraße");
    await patchReport(c.conversationId, agent, { category: "Straßenschaden", latitude: 47.1, longitude: 15.4, address: "Hauptstraße 3" });
    const toWork = await patchReport(c.conversationId, agent, { status: "in_bearbeitung" });
    expect(toWork.status).toBe(200);
    // Same status again, or only the address changing: no message.
    await patchReport(c.conversationId, agent, { status: "in_bearbeitung" });
    await patchReport(c.conversationId, agent, { address: "Hauptstraße 5" });
    const done = await patchReport(c.conversationId, agent, { status: "erledigt" });
    expect((await done.json<{ conversation: ConversationDetail }>()).conversation.report).toMatchObject({
      status: "erledigt",
      address: "Hauptstraße 5",
      latitude: 47.1,
    });
    expect(texts()).toEqual([
      "Danke für Ihre Meldung (Straßenschaden). Wir haben sie aufgenommen und kümmern uns darum.",
      "Ihre Meldung (Straßenschaden) ist jetzt in Bearbeitung.",
      "Ihre Meldung (Straßenschaden) ist erledigt. Danke für Ihren Hinweis!",
    ]);
    // The notifications are part of the conversation (outbound messages).
    const out = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'").first<{ n: number }>();
    expect(out?.n).toBe(3);
  });

  it("two parallel identical status changes notify only once", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Laterne aus");
    await patchReport(c.conversationId, agent, { category: "Beleuchtung" });
    await Promise.all([patchReport(c.conversationId, agent, { status: "erledigt" }), patchReport(c.conversationId, agent, { status: "erledigt" })]);
    expect(texts().filter((t) => t?.includes("erledigt"))).toHaveLength(1);
  });

  it("outside the 24-hour window the news goes out as the meldung_status template", async () => {
    const agent = await loginAs("agent");
    await addTemplate({ name: "meldung_status", body: "Grüß Gott! Zu Ihrer Meldung an die Gemeinde gibt es Neuigkeiten: {{1}}", parameterCount: 1 });
    const c = await citizenWrites("Müll am Spielplatz");
    await patchReport(c.conversationId, agent, { category: "Müll" });
    await setLastInbound(c.citizenId, 30);
    await patchReport(c.conversationId, agent, { status: "erledigt" });
    const last = graph.messages().at(-1)?.body;
    expect(last).toMatchObject({
      type: "template",
      template: {
        name: "meldung_status",
        language: { code: "de" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Ihre Meldung (Müll) ist erledigt. Danke für Ihren Hinweis!" }] }],
      },
    });
    const row = await env.DB.prepare("SELECT type, text FROM messages WHERE direction = 'out' ORDER BY created_at DESC LIMIT 1").first<{ type: string; text: string }>();
    expect(row).toEqual({ type: "template", text: "Grüß Gott! Zu Ihrer Meldung an die Gemeinde gibt es Neuigkeiten: Ihre Meldung (Müll) ist erledigt. Danke für Ihren Hinweis!" });
  });

  it("a failed notification does not fail the status change", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Graffiti");
    graph.failNextSends({ status: 400, code: 131026 });
    const res = await patchReport(c.conversationId, agent, { category: "Vandalismus" });
    expect(res.status).toBe(200);
    expect((await res.json<{ conversation: ConversationDetail }>()).conversation.report?.status).toBe("neu");
    const row = await env.DB.prepare("SELECT status FROM messages WHERE direction = 'out'").first<{ status: string }>();
    expect(row?.status).toBe("failed");
  });

  it("{report:null} removes the report without telling the citizen", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Irrtum");
    await patchReport(c.conversationId, agent, { category: "Sonstiges" });
    const res = await patchReport(c.conversationId, agent, { report: null });
    expect(res.status).toBe(200);
    expect((await res.json<{ conversation: ConversationDetail }>()).conversation.report).toBeNull();
    expect(graph.messages()).toHaveLength(1);
  });

  it("refuses bad report input", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    const cases: [unknown, number, string][] = [
      [{ status: "neu" }, 400, "category_required"],
      [{ category: "Unbekannt" }, 422, "unknown_category"],
      [{ category: "Müll", status: "fertig" }, 400, "bad_request"],
      [{ category: "Müll", latitude: 48 }, 400, "bad_request"],
      [{ category: "Müll", latitude: 91, longitude: 0 }, 400, "bad_request"],
      [{ category: "Müll", extra: 1 }, 400, "bad_request"],
      [{ report: null, category: "Müll" }, 400, "bad_request"],
    ];
    for (const [body, status, code] of cases) {
      const res = await patchReport(c.conversationId, agent, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<ErrorBody>()).error.code).toBe(code);
    }
    expect(graph.messages()).toHaveLength(0);
    expect((await patchReport("gibtsnicht", agent, { category: "Müll" })).status).toBe(404);
  });

  it("categories are configurable by admins and default to the town's list", async () => {
    const agent = await loginAs("agent");
    const admin = await loginAs("admin");
    expect(await (await api("/api/report-categories", { as: agent })).json()).toEqual({
      categories: ["Vandalismus", "Straßenschaden", "Beleuchtung", "Müll", "Sonstiges"],
    });
    const put = await api("/api/report-categories", { method: "PUT", as: admin, body: { categories: ["Winterdienst", "Sonstiges"] } });
    expect(put.status).toBe(200);
    expect(await (await api("/api/report-categories", { as: agent })).json()).toEqual({ categories: ["Winterdienst", "Sonstiges"] });
    const c = await citizenWrites("Gehsteig nicht geräumt");
    expect((await patchReport(c.conversationId, agent, { category: "Winterdienst" })).status).toBe(200);
    expect((await patchReport(c.conversationId, agent, { category: "Vandalismus" })).status).toBe(422);
    for (const categories of [[], ["A", "a"], [""], "Müll"]) {
      expect((await api("/api/report-categories", { method: "PUT", as: admin, body: { categories } })).status).toBe(400);
    }
  });
});
