import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageView } from "../worker/shared/events";
import { normalizePhone } from "../worker/outreach/start";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { addTemplate, citizenWrites, setLastInbound } from "./helpers/inbox";
import { quietCitizen } from "./helpers/outreach";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type StartBody = { conversationId: string; created: boolean; message: MessageView };

let graph: FakeGraph;
beforeEach(async () => {
  graph = installFakeGraph();
  await addTemplate({ name: "pass_abholbereit", body: "Grüß Gott {{1}}, Ihr {{2}} liegt zur Abholung bereit.", parameterCount: 2 });
});
afterEach(() => graph.restore());

const start = (as: Awaited<ReturnType<typeof loginAs>>, body: unknown) => api("/api/outreach/conversations", { as, body });
const passTemplate = { name: "pass_abholbereit", language: "de", parameters: ["Frau Berger", "Reisepass"] };

describe("starting a conversation", () => {
  it("sends an approved template to a subscriber who never wrote, in a new conversation held by the clerk", async () => {
    const agent = await loginAs("agent");
    const citizenId = await quietCitizen({ subscribed: true, waId: "436601112233" });
    const res = await start(agent, { citizenId, template: passTemplate });
    expect(res.status).toBe(201);
    const body = await res.json<StartBody>();
    expect(body.created).toBe(true);
    expect(body.message).toMatchObject({ direction: "out", type: "template", status: "sent", staffId: agent.staff.id });
    expect(body.message.text).toBe("Grüß Gott Frau Berger, Ihr Reisepass liegt zur Abholung bereit.");
    expect(graph.messages()[0]?.body).toMatchObject({ to: "436601112233", type: "template", template: { name: "pass_abholbereit" } });
    const conv = await env.DB.prepare("SELECT citizen_id, status, assignee_id FROM conversations WHERE id = ?").bind(body.conversationId).first();
    expect(conv).toEqual({ citizen_id: citizenId, status: "open", assignee_id: agent.staff.id });
    // It is in the inbox list like any other conversation.
    const list = await (await api("/api/conversations?status=mine", { as: agent })).json<{ conversations: { id: string }[] }>();
    expect(list.conversations.map((c) => c.id)).toContain(body.conversationId);
  });

  it("finds the citizen by phone number in any usual form", async () => {
    const agent = await loginAs("agent");
    await quietCitizen({ subscribed: true, waId: "436601234500" });
    const res = await start(agent, { phone: "+43 660 123 45 00", template: passTemplate });
    expect(res.status).toBe(201);
    expect(normalizePhone("0043 (660) 1234500")).toBe("436601234500");
    expect(normalizePhone("0660 1234500")).toBeNull();
  });

  it("uses the citizen's open conversation instead of opening a second one", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Wann ist mein Pass fertig?", { from: "436641230001" });
    await setLastInbound(c.citizenId, 30);
    const res = await start(agent, { citizenId: c.citizenId, template: passTemplate });
    expect(res.status).toBe(201);
    const body = await res.json<StartBody>();
    expect(body).toMatchObject({ conversationId: c.conversationId, created: false });
    expect(await count("conversations")).toBe(1);
  });

  it("after a resolved conversation opens a new one (the earlier one stays as history)", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Brauche ich für den Personalausweis einen Termin?", { from: "436641230002" });
    await api(`/api/conversations/${c.conversationId}/resolve`, { as: agent, body: {} });
    const body = await (await start(agent, { citizenId: c.citizenId, text: "Nachtrag: bitte ein Passfoto mitbringen." })).json<StartBody>();
    expect(body.created).toBe(true);
    expect(body.conversationId).not.toBe(c.conversationId);
    expect(body.message).toMatchObject({ type: "text", status: "sent" });
  });

  it("free text inside the 24-hour window is allowed, outside it is refused in German and nothing is stored", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo", { from: "436641230003" });
    await api(`/api/conversations/${c.conversationId}/resolve`, { as: agent, body: {} });
    await setLastInbound(c.citizenId, 25);
    const res = await start(agent, { citizenId: c.citizenId, text: "Ihr Pass ist da." });
    expect(res.status).toBe(422);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("outside_window");
    expect(err.error.message).toMatch(/Vorlage/);
    expect(await count("conversations")).toBe(1);
    expect(graph.messages()).toHaveLength(0);
  });

  it("refuses a person without consent (never wrote, nothing subscribed) and an unknown number", async () => {
    const agent = await loginAs("agent");
    const citizenId = await quietCitizen({ subscribed: false, waId: "436601110000" });
    const res = await start(agent, { citizenId, template: passTemplate });
    expect(res.status).toBe(422);
    const err = await res.json<ErrorBody>();
    expect(err.error).toMatchObject({ code: "no_consent" });
    expect(err.error.message).toMatch(/Einwilligung/);
    const unknown = await start(agent, { phone: "+43 699 9999999", template: passTemplate });
    expect(unknown.status).toBe(422);
    expect((await unknown.json<ErrorBody>()).error.code).toBe("no_consent");
    expect(await count("conversations")).toBe(0);
    expect(graph.messages()).toHaveLength(0);
  });

  it("refuses an erased person", async () => {
    const agent = await loginAs("agent");
    const citizenId = await quietCitizen({ subscribed: true });
    await env.DB.prepare("UPDATE citizens SET wa_id = NULL, erased_at = ? WHERE id = ?").bind(Date.now(), citizenId).run();
    const res = await start(agent, { citizenId, template: passTemplate });
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe("erased");
  });

  it("refuses bad input with German sentences: no target, both targets, neither text nor template, both, missing parameters, unknown template", async () => {
    const agent = await loginAs("agent");
    const citizenId = await quietCitizen({ subscribed: true });
    const cases: [unknown, number, string][] = [
      [{ template: passTemplate }, 400, "bad_request"],
      [{ citizenId, phone: "+436601234567", template: passTemplate }, 400, "bad_request"],
      [{ citizenId }, 400, "empty_message"],
      [{ citizenId, template: passTemplate, text: "Hallo" }, 400, "template_or_text"],
      [{ citizenId, template: { ...passTemplate, parameters: ["nur eins"] } }, 422, "template_parameters"],
      [{ citizenId, template: { ...passTemplate, parameters: ["x", " "] } }, 400, "bad_request"],
      [{ citizenId, template: { ...passTemplate, name: "gibt_es_nicht" } }, 422, "unknown_template"],
      [{ phone: "0664 123", template: passTemplate }, 400, "bad_phone"],
      [{ citizenId, text: "x".repeat(4097) }, 400, "bad_request"],
      [{ citizenId: "nicht gültig!", template: passTemplate }, 400, "bad_request"],
    ];
    for (const [body, status, code] of cases) {
      const res = await start(agent, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const err = await res.json<ErrorBody>();
      expect(err.error.code).toBe(code);
      // The sentence itself is German (a field-name prefix of plain schema errors is handled in validate.ts).
      expect(err.error.message).toMatch(/Bitte|höchstens|gibt es/);
    }
    expect(await count("conversations")).toBe(0);
  });

  it("does not reply into a conversation someone else holds unless taken over", async () => {
    const agent = await loginAs("agent");
    const other = await loginAs("agent");
    const c = await citizenWrites("Hallo", { from: "436641230004" });
    await api(`/api/conversations/${c.conversationId}/claim`, { as: other, body: {} });
    const res = await start(agent, { citizenId: c.citizenId, template: passTemplate });
    expect(res.status).toBe(409);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("claimed_by_other");
    expect(err.error.details?.conversationId).toBe(c.conversationId);
    const taken = await start(agent, { citizenId: c.citizenId, template: passTemplate, takeover: true });
    expect(taken.status).toBe(201);
  });
});
