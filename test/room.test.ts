import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ROOM_NAME, publishToRoom } from "../worker/inbox/publish";
import type { ConnectionState, InboxRoom } from "../worker/inbox/room";
import type { MessageView } from "../worker/shared/events";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenWrites } from "./helpers/inbox";
import { envelope, postWebhook, statusValue, textMessage, ts } from "./helpers/meta";
import { closeAllRooms, connectRaw, connectRoom, lastPresence } from "./helpers/room";

let graph: FakeGraph;
beforeEach(() => {
  graph = installFakeGraph();
});
afterEach(() => {
  closeAllRooms();
  graph.restore();
});

const room = () => env.Inbox.getByName(ROOM_NAME);

describe("websocket authentication", () => {
  it("refuses a connection without a session with 401", async () => {
    const res = await connectRaw();
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("refuses a forged, expired or logged-out session with 401", async () => {
    expect((await connectRaw({ cookie: "tw_session=abc" })).status).toBe(401);
    const s = await loginAs("agent");
    await env.DB.prepare("UPDATE sessions SET expires_at = ?").bind(Date.now() - 1).run();
    expect((await connectRaw({ cookie: s.cookie })).status).toBe(401);
    const t = await loginAs("agent");
    await api("/api/auth/logout", { method: "POST", as: t });
    expect((await connectRaw({ cookie: t.cookie })).status).toBe(401);
  });

  it("refuses a connection from another site's page (Origin) with 403", async () => {
    const s = await loginAs("agent");
    const res = await connectRaw({ cookie: s.cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });

  it("only the inbox party exists", async () => {
    const s = await loginAs("agent");
    expect((await connectRaw({ cookie: s.cookie }, "/parties/pacer/main")).status).toBe(404);
    // No Durable Object of that name any more (the simulator is its own dev Worker): partyserver refuses it.
    expect((await connectRaw({ cookie: s.cookie }, "/parties/simulator/main")).status).toBe(400);
    expect((await connectRaw({ cookie: s.cookie }, "/parties/inbox/other")).status).toBe(404);
  });

  it("greets with hello (the session's staff id, not one the client claims) and the presence list", async () => {
    const s = await loginAs({ role: "agent", name: "Anna" });
    const other = await loginAs("agent");
    const client = await connectRoom(s, { "x-townwire-staff-id": other.staff.id, "x-townwire-staff-name": "Hacker" });
    const hello = await client.waitFor("hello");
    expect(hello).toEqual({ type: "hello", staffId: s.staff.id });
    const presence = await client.waitFor("presence.state");
    expect(presence.staff).toEqual([{ staffId: s.staff.id, name: "Anna", viewing: null, typing: null }]);
    expect(client.received[0]?.type).toBe("hello");
  });
});

describe("events", () => {
  it("a citizen's message through the webhook reaches every connected staff member", async () => {
    const a = await connectRoom(await loginAs("agent"));
    const b = await connectRoom(await loginAs("editor"));
    await postWebhook(textMessage("Die Ampel ist kaputt", { name: "Maria Huber" }));
    for (const client of [a, b]) {
      const ev = await client.waitFor("message.created");
      expect(ev.citizenName).toBe("Maria Huber");
      expect(ev.message).toMatchObject({ direction: "in", type: "text", text: "Die Ampel ist kaputt" });
    }
  });

  it("claim, reply (pending → sent → delivered), note, report, release, resolve, reopen and read are pushed", async () => {
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const watcher = await connectRoom(await loginAs("agent"));
    const c = await citizenWrites("Hallo");
    const id = c.conversationId;

    await api(`/api/conversations/${id}/claim`, { method: "POST", as: anna });
    expect(await watcher.waitFor("conversation.claimed")).toEqual({ type: "conversation.claimed", conversationId: id, staffId: anna.staff.id, staffName: "Anna" });

    const { message } = await (await api(`/api/conversations/${id}/messages`, { as: anna, body: { text: "Grüß Gott" } })).json<{ message: MessageView }>();
    const created = await watcher.waitFor("message.created", (m) => m.message.id === message.id);
    expect(created.message).toMatchObject({ direction: "out", status: "pending", text: "Grüß Gott" });
    await watcher.waitFor("message.status", (m) => m.messageId === message.id && m.status === "sent");
    await postWebhook(envelope(statusValue([{ id: "wamid.fake1", status: "delivered", timestamp: ts(), recipient_id: "436641234567" }])));
    await watcher.waitFor("message.status", (m) => m.messageId === message.id && m.status === "delivered");

    await api(`/api/conversations/${id}/notes`, { as: anna, body: { text: "Intern" } });
    expect((await watcher.waitFor("note.added")).message).toMatchObject({ direction: "note", text: "Intern" });

    await api(`/api/conversations/${id}/report`, { method: "PATCH", as: anna, body: { category: "Müll" } });
    expect(await watcher.waitFor("report.changed")).toEqual({ type: "report.changed", conversationId: id, category: "Müll", status: "neu" });

    await api(`/api/conversations/${id}/read`, { method: "POST", as: anna });
    await watcher.waitFor("conversation.read", (m) => m.conversationId === id);
    await api(`/api/conversations/${id}/release`, { method: "POST", as: anna });
    await watcher.waitFor("conversation.released", (m) => m.conversationId === id && m.staffId === anna.staff.id);
    await api(`/api/conversations/${id}/resolve`, { method: "POST", as: anna });
    await watcher.waitFor("conversation.resolved", (m) => m.conversationId === id);
    await api(`/api/conversations/${id}/reopen`, { method: "POST", as: anna });
    await watcher.waitFor("conversation.reopened", (m) => m.conversationId === id && m.staffId === anna.staff.id);
  });

  it("a failed send is pushed with the German reason", async () => {
    const s = await loginAs("agent");
    const client = await connectRoom(s);
    const c = await citizenWrites("Hallo");
    graph.failNextSends({ status: 400, code: 131026 });
    await api(`/api/conversations/${c.conversationId}/messages`, { as: s, body: { text: "Hallo" } });
    const ev = await client.waitFor("message.status", (m) => m.status === "failed");
    expect(ev.errorCode).toBe(131026);
    expect(ev.errorReason).toMatch(/nicht zustellbar/);
  });

  it("an expired access token pushes an admin alert", async () => {
    const s = await loginAs("agent");
    const client = await connectRoom(s);
    const c = await citizenWrites("Hallo");
    graph.failNextSends({ status: 401, code: 190 });
    await api(`/api/conversations/${c.conversationId}/messages`, { as: s, body: { text: "Hallo" } });
    const ev = await client.waitFor("admin.alert");
    expect(ev.kind).toBe("whatsapp_token");
    expect(await count("admin_alerts")).toBe(1);
  });

  it("a room that cannot be reached never fails the webhook or the API, and nothing is lost", async () => {
    const spy = vi.spyOn(env.Inbox, "getByName").mockImplementation(() => {
      throw new Error("room unavailable");
    });
    try {
      const res = await postWebhook(textMessage("Trotzdem angekommen"));
      expect(res.status).toBe(200);
      expect(await count("messages")).toBe(1);
      const s = await loginAs("agent");
      const c = await env.DB.prepare("SELECT id FROM conversations").first<{ id: string }>();
      const claim = await api(`/api/conversations/${c?.id}/claim`, { method: "POST", as: s });
      expect(claim.status).toBe(200);
      const reply = await api(`/api/conversations/${c?.id}/messages`, { as: s, body: { text: "Antwort" } });
      expect(reply.status).toBe(201);
      expect(graph.messages()).toHaveLength(1);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(await publishToRoom({ Inbox: { getByName: () => ({ publish: () => Promise.reject(new Error("down")) }) } as never }, [
      { type: "conversation.read", conversationId: "x", staffId: "y" },
    ])).toBe(false);
  });
});

describe("presence", () => {
  it("shows who is online, who views which conversation and who is typing", async () => {
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const bernd = await loginAs({ role: "agent", name: "Bernd" });
    const a = await connectRoom(anna);
    const b = await connectRoom(bernd);
    await a.waitFor("presence.state", (m) => m.staff.length === 2);

    a.send({ type: "presence.view", conversationId: "conv1" });
    await b.waitFor("presence.state", (m) => m.staff.some((s) => s.staffId === anna.staff.id && s.viewing === "conv1"));
    a.send({ type: "presence.typing", conversationId: "conv1", typing: true });
    const typing = await b.waitFor("presence.state", (m) => m.staff.some((s) => s.typing === "conv1"));
    expect(typing.staff).toEqual([
      { staffId: anna.staff.id, name: "Anna", viewing: "conv1", typing: "conv1" },
      { staffId: bernd.staff.id, name: "Bernd", viewing: null, typing: null },
    ]);

    // Someone opening the app now sees the typing at once.
    const carla = await connectRoom(await loginAs({ role: "agent", name: "Carla" }));
    const first = await carla.waitFor("presence.state");
    expect(first.staff.find((s) => s.staffId === anna.staff.id)).toMatchObject({ viewing: "conv1", typing: "conv1" });

    a.send({ type: "presence.typing", conversationId: "conv1", typing: false });
    await b.waitFor("presence.state", (m) => m.staff.length === 3 && m.staff.every((s) => s.typing === null));

    // Leaving: the others see it.
    a.close();
    await b.waitFor("presence.state", (m) => !m.staff.some((s) => s.staffId === anna.staff.id));
  });

  it("viewing another conversation ends typing; garbage messages are ignored", async () => {
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const a = await connectRoom(anna);
    const b = await connectRoom(await loginAs("agent"));
    a.send({ type: "presence.typing", conversationId: "conv1", typing: true });
    await b.waitFor("presence.state", (m) => m.staff.some((s) => s.typing === "conv1"));
    a.ws.send("kein json");
    a.send({ type: "presence.view", conversationId: 42 });
    a.send({ type: "irgendwas" });
    a.send({ type: "presence.view", conversationId: "conv2" });
    const after = await b.waitFor("presence.state", (m) => m.staff.some((s) => s.viewing === "conv2"));
    expect(after.staff.find((s) => s.staffId === anna.staff.id)).toMatchObject({ viewing: "conv2", typing: null });
    // The connection still works.
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("typing expires when it is not repeated (alarm)", async () => {
    const anna = await loginAs("agent");
    const a = await connectRoom(anna);
    const b = await connectRoom(await loginAs("agent"));
    a.send({ type: "presence.typing", conversationId: "conv1", typing: true });
    await b.waitFor("presence.state", (m) => m.staff.some((s) => s.typing === "conv1"));
    // Let the typing run out without waiting: move its deadline into the past, then fire the alarm.
    await runInDurableObject(room(), (instance: InboxRoom) => {
      for (const c of instance.getConnections<ConnectionState>()) {
        if (c.state?.typing) c.setState({ ...c.state, typingUntil: Date.now() - 1 });
      }
    });
    expect(await runDurableObjectAlarm(room())).toBe(true);
    await b.waitFor("presence.state", (m) => m.staff.length === 2 && m.staff.every((s) => s.typing === null));
  });

  it("merges several tabs of one person into one entry", async () => {
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const tab1 = await connectRoom(anna);
    const tab2 = await connectRoom(anna);
    tab2.send({ type: "presence.view", conversationId: "conv9" });
    const p = await tab1.waitFor("presence.state", (m) => m.staff.some((s) => s.viewing === "conv9"));
    expect(p.staff).toHaveLength(1);
    tab2.close();
    await tab1.waitFor("presence.state", (m) => m.staff.length === 1 && m.staff[0]?.viewing === null);
  });

  it("survives hibernation: presence and identity are kept in the connection state", async () => {
    const anna = await loginAs({ role: "agent", name: "Anna" });
    const a = await connectRoom(anna);
    const b = await connectRoom(await loginAs({ role: "agent", name: "Bernd" }));
    a.send({ type: "presence.view", conversationId: "conv1" });
    await b.waitFor("presence.state", (m) => m.staff.some((s) => s.viewing === "conv1"));
    await evictDurableObject(room());
    expect(await room().presence()).toEqual([
      { staffId: anna.staff.id, name: "Anna", viewing: "conv1", typing: null },
      expect.objectContaining({ name: "Bernd" }),
    ]);
    // Events still arrive on the old sockets after the room woke up again.
    await postWebhook(textMessage("Nach dem Aufwachen"));
    await a.waitFor("message.created", (m) => m.message.text === "Nach dem Aufwachen");
    expect(lastPresence(b).length).toBe(2);
  });
});

describe("ending access", () => {
  it("disabling a staff member closes their open websockets at once (4003), and they cannot reconnect", async () => {
    const admin = await loginAs("admin");
    const agent = await loginAs({ role: "agent", name: "Agnes" });
    const watcher = await connectRoom(admin);
    const victim = await connectRoom(agent);
    const victimTab2 = await connectRoom(agent);
    await watcher.waitFor("presence.state", (m) => m.staff.some((s) => s.name === "Agnes"));
    const res = await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: admin, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect((await victim.closed).code).toBe(4003);
    expect((await victimTab2.closed).code).toBe(4003);
    await watcher.waitFor("presence.state", (m) => !m.staff.some((s) => s.name === "Agnes"));
    expect((await connectRaw({ cookie: agent.cookie })).status).toBe(401);
    // Nothing more reaches them.
    await postWebhook(textMessage("Danach"));
    await watcher.waitFor("message.created");
    expect(victim.received.some((m) => m.type === "message.created")).toBe(false);
  });

  it("logout closes that session's websockets (4001) but not the person's other sessions", async () => {
    const agent = await loginAs("agent");
    const laptop = await connectRoom(agent);
    const { loginWith } = await import("./helpers/auth");
    const tablet = await loginWith(agent.staff.email, "richtig-langes-passwort", "198.51.100.5");
    const tabletSocket = await connectRoom(tablet);
    await api("/api/auth/logout", { method: "POST", as: agent });
    expect((await laptop.closed).code).toBe(4001);
    await postWebhook(textMessage("Noch da?"));
    await tabletSocket.waitFor("message.created");
  });

  it("a socket whose session has expired is closed before the next event reaches it", async () => {
    const agent = await loginAs("agent");
    const client = await connectRoom(agent);
    await client.waitFor("presence.state");
    await runInDurableObject(room(), (instance: InboxRoom) => {
      for (const c of instance.getConnections<ConnectionState>()) if (c.state) c.setState({ ...c.state, expiresAt: Date.now() - 1 });
    });
    await postWebhook(textMessage("Geheim"));
    expect((await client.closed).code).toBe(4001);
    expect(client.received.some((m) => m.type === "message.created")).toBe(false);
  });
});
