// Handing a conversation to a colleague (the clerk gives the report to the Bauhof): who may, to whom,
// and what the colleague then sees ("Mir zugewiesen").
import { describe, expect, it } from "vitest";
import type { ConversationDetail, ConversationSummary } from "../worker/inbox/conversations";
import { api, loginAs } from "./helpers/auth";
import { citizenWrites } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Session = Awaited<ReturnType<typeof loginAs>>;

const assign = (as: Session, conversationId: string, staffId: unknown) =>
  api(`/api/conversations/${conversationId}/assign`, { method: "POST", as, body: { staffId } });
const mine = async (as: Session) =>
  (await (await api("/api/conversations?status=mine", { as })).json<{ conversations: ConversationSummary[] }>()).conversations.map((c) => c.id);

describe("POST /api/conversations/:id/assign", () => {
  it("hands an unassigned conversation to a colleague, who finds it under 'Mir zugewiesen'", async () => {
    const clerk = await loginAs("agent");
    const bauhof = await loginAs({ role: "agent", name: "Bauhof Gruber" });
    const { conversationId } = await citizenWrites("Die Bank im Park ist beschmiert", { from: "436641110001" });
    const res = await assign(clerk, conversationId, bauhof.staff.id);
    expect(res.status).toBe(200);
    const { conversation } = await res.json<{ conversation: ConversationDetail }>();
    expect(conversation.assignee).toEqual({ id: bauhof.staff.id, name: "Bauhof Gruber" });
    expect(await mine(bauhof)).toEqual([conversationId]);
    expect(await mine(clerk)).toEqual([]);
    // The colleague may then answer without a takeover.
    expect((await api(`/api/conversations/${conversationId}/messages`, { method: "POST", as: bauhof, body: { text: "Wir kümmern uns." } })).status).toBe(201);
  });

  it("the holder hands it on; a third person cannot take it away (409 with who holds it); an admin can", async () => {
    const clerk = await loginAs("agent");
    const bauhof = await loginAs("agent");
    const other = await loginAs("agent");
    const admin = await loginAs("admin");
    const { conversationId } = await citizenWrites("Laterne kaputt", { from: "436641110002" });
    expect((await api(`/api/conversations/${conversationId}/claim`, { method: "POST", as: clerk })).status).toBe(200);
    expect((await assign(clerk, conversationId, bauhof.staff.id)).status).toBe(200);
    const refused = await assign(other, conversationId, other.staff.id);
    expect(refused.status).toBe(409);
    const body = await refused.json<ErrorBody>();
    expect(body.error.code).toBe("claimed_by_other");
    expect(body.error.details?.assignee).toEqual({ id: bauhof.staff.id, name: bauhof.staff.name });
    expect(await mine(bauhof)).toEqual([conversationId]);
    expect((await assign(admin, conversationId, clerk.staff.id)).status).toBe(200);
    expect(await mine(clerk)).toEqual([conversationId]);
    // Assigning to whoever holds it already is fine (a repeated click).
    expect((await assign(clerk, conversationId, clerk.staff.id)).status).toBe(200);
  });

  it("refuses a disabled or unknown colleague, a resolved or unknown conversation, and bad input, in German", async () => {
    const clerk = await loginAs("agent");
    const admin = await loginAs("admin");
    const gone = await loginAs("agent");
    expect((await api(`/api/staff/${gone.staff.id}`, { method: "PATCH", as: admin, body: { disabled: true } })).status).toBe(200);
    const { conversationId } = await citizenWrites("Frage", { from: "436641110003" });

    const disabled = await assign(clerk, conversationId, gone.staff.id);
    expect(disabled.status).toBe(404);
    expect((await disabled.json<ErrorBody>()).error).toMatchObject({ code: "colleague_not_found", message: expect.stringMatching(/keinen aktiven Zugang/) });
    expect((await assign(clerk, conversationId, "nobody")).status).toBe(404);
    for (const bad of [undefined, "", 42, "x".repeat(65)]) {
      const res = await assign(clerk, conversationId, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await res.json<ErrorBody>()).error.message).not.toMatch(/staffId|expected/i);
    }
    expect((await assign(clerk, "unknown", clerk.staff.id)).status).toBe(404);
    expect((await api(`/api/conversations/${conversationId}/resolve`, { method: "POST", as: clerk })).status).toBe(200);
    const resolved = await assign(clerk, conversationId, admin.staff.id);
    expect(resolved.status).toBe(409);
    expect((await resolved.json<ErrorBody>()).error.code).toBe("conversation_resolved");
  });
});

describe("GET /api/colleagues", () => {
  it("lists everyone with an active account by name, for every role; not without a session", async () => {
    const agent = await loginAs({ role: "agent", name: "Zora Agent" });
    const admin = await loginAs({ role: "admin", name: "Anna Admin" });
    const gone = await loginAs({ role: "editor", name: "Max Weg" });
    expect((await api(`/api/staff/${gone.staff.id}`, { method: "PATCH", as: admin, body: { disabled: true } })).status).toBe(200);
    const res = await api("/api/colleagues", { as: agent });
    expect(res.status).toBe(200);
    const { colleagues } = await res.json<{ colleagues: { id: string; name: string }[] }>();
    const names = colleagues.map((c) => c.name);
    expect(names).toContain("Zora Agent");
    expect(names).toContain("Anna Admin");
    expect(names).not.toContain("Max Weg");
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "de", { sensitivity: "base" })));
    expect(Object.keys(colleagues[0] ?? {}).sort(), "names only, no e-mail").toEqual(["id", "name"]);
    expect((await api("/api/colleagues")).status).toBe(401);
  });
});
