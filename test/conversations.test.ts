import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationDetail, ConversationSummary } from "../worker/inbox/conversations";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { citizenWrites, setLastInbound } from "./helpers/inbox";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type ListBody = { conversations: ConversationSummary[]; nextCursor: string | null; counts: Record<string, number> };
type DetailBody = { conversation: ConversationDetail; messages: MessageView[]; nextCursor: string | null };

const list = async (as: Awaited<ReturnType<typeof loginAs>>, query = "") => {
  const res = await api(`/api/conversations${query}`, { as });
  expect(res.status).toBe(200);
  return res.json<ListBody>();
};

describe("GET /api/conversations", () => {
  it("lists open conversations newest activity first, with citizen, preview, window and counts", async () => {
    const agent = await loginAs("agent");
    const a = await citizenWrites("Die Laterne ist kaputt", { from: "436641111111", name: "Anna Berger" });
    const b = await citizenWrites("Wann hat das Freibad offen?", { from: "436642222222", name: "Bernd Huber" });
    const body = await list(agent);
    expect(body.conversations.map((c) => c.id)).toEqual([b.conversationId, a.conversationId]);
    const first = body.conversations[0];
    expect(first).toMatchObject({
      status: "open",
      citizen: { id: b.citizenId, name: "Bernd Huber", waId: "436642222222" },
      assignee: null,
      unreadCount: 1,
      lastMessagePreview: "Wann hat das Freibad offen?",
      report: null,
    });
    expect(first?.windowOpenUntil).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(body.counts).toEqual({ open: 2, mine: 0, unassigned: 2, resolved: 0 });
    expect(body.nextCursor).toBeNull();
  });

  it("filters mine / unassigned / resolved and counts each", async () => {
    const agent = await loginAs("agent");
    const other = await loginAs("agent");
    const mine = await citizenWrites("1", { from: "436640000001" });
    const theirs = await citizenWrites("2", { from: "436640000002" });
    const free = await citizenWrites("3", { from: "436640000003" });
    const done = await citizenWrites("4", { from: "436640000004" });
    expect((await api(`/api/conversations/${mine.conversationId}/claim`, { method: "POST", as: agent })).status).toBe(200);
    expect((await api(`/api/conversations/${theirs.conversationId}/claim`, { method: "POST", as: other })).status).toBe(200);
    expect((await api(`/api/conversations/${done.conversationId}/resolve`, { method: "POST", as: agent })).status).toBe(200);

    const ids = async (status: string) => (await list(agent, `?status=${status}`)).conversations.map((c) => c.id).sort();
    expect(await ids("open")).toEqual([mine, theirs, free].map((x) => x.conversationId).sort());
    expect(await ids("mine")).toEqual([mine.conversationId]);
    expect(await ids("unassigned")).toEqual([free.conversationId]);
    expect(await ids("resolved")).toEqual([done.conversationId]);
    expect((await list(agent)).counts).toEqual({ open: 3, mine: 1, unassigned: 1, resolved: 1 });
    expect((await list(other)).counts).toEqual({ open: 3, mine: 1, unassigned: 1, resolved: 1 });
    const claimed = (await list(agent, "?status=open")).conversations.find((c) => c.id === theirs.conversationId);
    expect(claimed?.assignee).toEqual({ id: other.staff.id, name: other.staff.name });
  });

  it("searches citizen name, number (also in local format) and message text", async () => {
    const agent = await loginAs("agent");
    const anna = await citizenWrites("Hallo", { from: "436641234567", name: "Anna Berger" });
    const bernd = await citizenWrites("Die Straßenlaterne flackert", { from: "436769876543", name: "Bernd Huber" });
    const found = async (q: string) => (await list(agent, `?q=${encodeURIComponent(q)}`)).conversations.map((c) => c.id);
    expect(await found("berger")).toEqual([anna.conversationId]);
    expect(await found("0664 123 45")).toEqual([anna.conversationId]);
    expect(await found("+43 676 987")).toEqual([bernd.conversationId]);
    expect(await found("laterne")).toEqual([bernd.conversationId]);
    expect(await found("nichts-dergleichen")).toEqual([]);
    // LIKE wildcards are taken literally.
    expect(await found("%")).toEqual([]);
    expect(await found("_")).toEqual([]);
  });

  it("pages with a cursor without skipping or repeating", async () => {
    const agent = await loginAs("agent");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await citizenWrites(`Nachricht ${i}`, { from: `43664000010${i}` })).conversationId);
    // Same activity time for two of them: the id breaks the tie.
    await env.DB.prepare("UPDATE conversations SET last_message_at = 1000 WHERE id IN (?, ?)").bind(ids[3], ids[4]).run();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ListBody = await list(agent, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.slice(0, 3)).toEqual(ids.slice(0, 3));
  });

  it("answers bad query input with 400", async () => {
    const agent = await loginAs("agent");
    for (const q of ["?status=alle", "?cursor=abc", "?cursor=1:ABC!", "?limit=0", "?limit=1000", `?q=${"x".repeat(101)}`]) {
      const res = await api(`/api/conversations${q}`, { as: agent });
      expect(res.status, q).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toMatch(/bad_request|bad_cursor/);
    }
  });
});

describe("GET /api/conversations/:id", () => {
  it("returns the conversation with messages oldest → newest, paged backwards", async () => {
    const agent = await loginAs("agent");
    let conversationId = "";
    for (let i = 0; i < 55; i++) conversationId = (await citizenWrites(`Nachricht ${i}`)).conversationId;
    const res = await api(`/api/conversations/${conversationId}`, { as: agent });
    expect(res.status).toBe(200);
    const page1 = await res.json<DetailBody>();
    expect(page1.conversation).toMatchObject({ id: conversationId, status: "open", windowOpen: true, report: null });
    expect(page1.messages).toHaveLength(50);
    expect(page1.messages[0]?.text).toBe("Nachricht 5");
    expect(page1.messages[49]?.text).toBe("Nachricht 54");
    expect(page1.messages[0]).toMatchObject({ direction: "in", type: "text", status: "received", mediaUrl: null });
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await (await api(`/api/conversations/${conversationId}?before=${encodeURIComponent(page1.nextCursor ?? "")}`, { as: agent })).json<DetailBody>();
    expect(page2.messages.map((m) => m.text)).toEqual(["Nachricht 0", "Nachricht 1", "Nachricht 2", "Nachricht 3", "Nachricht 4"]);
    expect(page2.nextCursor).toBeNull();
  });

  it("shows the window as closed after 24 hours", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    await setLastInbound(c.citizenId, 25);
    const { conversation } = await (await api(`/api/conversations/${c.conversationId}`, { as: agent })).json<DetailBody>();
    expect(conversation.windowOpen).toBe(false);
    expect(conversation.windowOpenUntil).toBeLessThan(Date.now());
  });

  it("404 for an unknown conversation, 400 for a malformed id or cursor", async () => {
    const agent = await loginAs("agent");
    expect((await api("/api/conversations/gibtsnicht", { as: agent })).status).toBe(404);
    expect((await api("/api/conversations/DROP%20TABLE", { as: agent })).status).toBe(400);
    const c = await citizenWrites("Hallo");
    expect((await api(`/api/conversations/${c.conversationId}?before=xyz`, { as: agent })).status).toBe(400);
  });
});

describe("claims", () => {
  it("of two staff claiming at once exactly one wins; the other gets 409 with who holds it", async () => {
    const c = await citizenWrites("Hallo");
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const bernd = await loginAs({ role: "agent", name: "Bernd" });
    const [ra, rb] = await Promise.all([
      api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: anna }),
      api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: bernd }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const [winner, loser, winnerRes, loserRes] = ra.status === 200 ? [anna, bernd, ra, rb] : [bernd, anna, rb, ra];
    expect(await winnerRes.json()).toMatchObject({ conversation: { assignee: { id: winner.staff.id, name: winner.staff.name } } });
    const err = await loserRes.json<ErrorBody>();
    expect(err.error.code).toBe("already_claimed");
    expect(err.error.details).toEqual({ assignee: { id: winner.staff.id, name: winner.staff.name } });
    expect(err.error.message).toContain(winner.staff.name);
    const row = await env.DB.prepare("SELECT assignee_id FROM conversations WHERE id = ?").bind(c.conversationId).first<{ assignee_id: string }>();
    expect(row?.assignee_id).toBe(winner.staff.id);
    expect(loser.staff.id).not.toBe(winner.staff.id);
  });

  it("with many staff racing, exactly one claim succeeds", async () => {
    const c = await citizenWrites("Hallo");
    const staff = await Promise.all(Array.from({ length: 6 }, () => loginAs("agent")));
    const results = await Promise.all(staff.map((s) => api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: s })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
  });

  it("claiming again as the holder is fine; claiming a resolved or unknown conversation is not", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    expect((await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: agent })).status).toBe(200);
    expect((await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: agent })).status).toBe(200);
    await api(`/api/conversations/${c.conversationId}/resolve`, { method: "POST", as: agent });
    const res = await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: agent });
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe("conversation_resolved");
    expect((await api(`/api/conversations/gibtsnicht/claim`, { method: "POST", as: agent })).status).toBe(404);
  });

  it("release: the holder (or an admin) may; others get 409", async () => {
    const c = await citizenWrites("Hallo");
    const holder = await loginAs("agent");
    const other = await loginAs("editor");
    const admin = await loginAs("admin");
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: holder });
    const refused = await api(`/api/conversations/${c.conversationId}/release`, { method: "POST", as: other });
    expect(refused.status).toBe(409);
    expect((await refused.json<ErrorBody>()).error.code).toBe("claimed_by_other");
    const released = await api(`/api/conversations/${c.conversationId}/release`, { method: "POST", as: holder });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ conversation: { assignee: null } });
    await api(`/api/conversations/${c.conversationId}/claim`, { method: "POST", as: other });
    expect((await api(`/api/conversations/${c.conversationId}/release`, { method: "POST", as: admin })).status).toBe(200);
    // Releasing an unclaimed conversation changes nothing.
    expect((await api(`/api/conversations/${c.conversationId}/release`, { method: "POST", as: other })).status).toBe(200);
  });
});

describe("resolve, reopen, read", () => {
  it("resolve closes it (unread 0); the citizen's next message opens a new conversation", async () => {
    const agent = await loginAs("agent");
    const c = await citizenWrites("Hallo");
    const res = await api(`/api/conversations/${c.conversationId}/resolve`, { method: "POST", as: agent });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ conversation: { status: "resolved", unreadCount: 0 } });
    const again = await citizenWrites("Noch eine Frage");
    expect(again.conversationId).not.toBe(c.conversationId);
    // Cannot reopen the old one while the new one is open.
    const reopen = await api(`/api/conversations/${c.conversationId}/reopen`, { method: "POST", as: agent });
    expect(reopen.status).toBe(409);
    expect(await reopen.json()).toMatchObject({ error: { code: "other_conversation_open", details: { conversationId: again.conversationId } } });
    await api(`/api/conversations/${again.conversationId}/resolve`, { method: "POST", as: agent });
    const ok = await api(`/api/conversations/${c.conversationId}/reopen`, { method: "POST", as: agent });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ conversation: { status: "open" } });
    // The next message lands in the reopened conversation.
    expect((await citizenWrites("Danke")).conversationId).toBe(c.conversationId);
  });

  it("read sets the unread count to 0", async () => {
    const agent = await loginAs("agent");
    await citizenWrites("1");
    const c = await citizenWrites("2");
    expect((await list(agent)).conversations[0]?.unreadCount).toBe(2);
    const res = await api(`/api/conversations/${c.conversationId}/read`, { method: "POST", as: agent });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ conversation: { unreadCount: 0 } });
  });

  it("404 for unknown conversations on every action", async () => {
    const agent = await loginAs("agent");
    for (const action of ["claim", "release", "resolve", "reopen", "read"]) {
      expect((await api(`/api/conversations/nope/${action}`, { method: "POST", as: agent })).status, action).toBe(404);
    }
  });
});
