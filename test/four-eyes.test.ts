// Four eyes on broadcasts (docs/trust.md): above the town's threshold nothing starts until a second
// editor or admin approved it; the author can never approve their own; edits reset the approval.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../worker/index";
import { api, loginAs, type Session } from "./helpers/auth";
import { seedSubscribers } from "./helpers/broadcasts";
import { create, editor, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";
import { count } from "./helpers/db";
import { closeAllRooms, connectRoom } from "./helpers/room";

useBroadcastFixture();

let admin: Session;
let second: Session;

interface Detail {
  id: string;
  status: string;
  createdByName: string | null;
  approvalRequired: boolean;
  approval: { state: string | null; requestedByName: string | null; byName: string | null; reason: string | null };
}

async function setFourEyes(fourEyes: { enabled: boolean; alertThreshold: number; newsletterThreshold: number }) {
  const res = await api("/api/settings/trust", { as: admin, method: "PUT", body: { fourEyes, requireTotp: false, auditRetentionDays: 730 } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function post(id: string, action: string, as: Session, body?: unknown) {
  return api(`/api/broadcasts/${id}/${action}`, { as, method: "POST", body: body ?? {} });
}

async function detail(id: string): Promise<Detail> {
  return (await (await api(`/api/broadcasts/${id}`, { as: editor })).json<{ broadcast: Detail }>()).broadcast;
}

afterEach(() => closeAllRooms());

beforeEach(async () => {
  admin = await loginAs({ role: "admin", name: "Anna Admin" });
  second = await loginAs({ role: "editor", name: "Zweite Person" });
  await seedSubscribers("ch_news", 3);
});

describe("settings", () => {
  it("are off by default with thresholds 0 (alerts) and 500 (newsletters); only admins change them, German errors", async () => {
    const res = await api("/api/settings/trust", { as: editor });
    expect(await res.json()).toMatchObject({ settings: { fourEyes: { enabled: false, alertThreshold: 0, newsletterThreshold: 500 }, requireTotp: false, auditRetentionDays: 730 } });
    const denied = await api("/api/settings/trust", { as: editor, method: "PUT", body: { fourEyes: { enabled: true, alertThreshold: 0, newsletterThreshold: 0 }, requireTotp: false, auditRetentionDays: 730 } });
    expect(denied.status).toBe(403);
    const bad = await api("/api/settings/trust", { as: admin, method: "PUT", body: { fourEyes: { enabled: true, alertThreshold: -1, newsletterThreshold: 0 }, requireTotp: false, auditRetentionDays: 5 } });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { message: string } }>()).error.message).toMatch(/negativ|mindestens/);
  });
});

describe("approval", () => {
  beforeEach(() => setFourEyes({ enabled: true, alertThreshold: 0, newsletterThreshold: 2 }));

  it("send without approval answers 409 approval_required and nothing is enqueued or recorded", async () => {
    const id = await create();
    expect((await detail(id)).approvalRequired).toBe(true);
    const res = await post(id, "send", editor);
    expect(res.status).toBe(409);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("approval_required");
    expect(body.error.message).toMatch(/Freigabe/);
    expect(queue.messages).toHaveLength(0);
    expect(await count("broadcast_recipients")).toBe(0);
    expect((await detail(id)).status).toBe("draft");
  });

  it("below the threshold (or switched off) a broadcast sends as before", async () => {
    await setFourEyes({ enabled: true, alertThreshold: 0, newsletterThreshold: 3 });
    const id = await create();
    expect((await post(id, "send", editor)).status).toBe(200);
    await setFourEyes({ enabled: false, alertThreshold: 0, newsletterThreshold: 0 });
    const other = await create();
    expect((await post(other, "send", editor)).status).toBe(200);
  });

  it("alerts need approval for any audience at the default threshold 0", async () => {
    const id = await create({ kind: "alert", title: "Hochwasser" });
    expect((await post(id, "send", editor)).status).toBe(409);
  });

  it("the author cannot approve or reject their own (403 own_broadcast); an agent cannot decide at all", async () => {
    const id = await create();
    expect((await post(id, "request-approval", editor)).status).toBe(200);
    const own = await post(id, "approve", editor);
    expect(own.status).toBe(403);
    expect(await own.json()).toMatchObject({ error: { code: "own_broadcast" } });
    expect((await post(id, "reject", editor, { reason: "x" })).status).toBe(403);
    const agent = await loginAs("agent");
    expect((await post(id, "approve", agent)).status).toBe(403);
    // The one who asked for approval is refused too, even when someone else wrote it.
    const other = await create();
    expect((await post(other, "request-approval", second)).status).toBe(200);
    expect(await (await post(other, "approve", second)).json()).toMatchObject({ error: { code: "own_broadcast" } });
    expect(queue.messages).toHaveLength(0);
  });

  it("a second editor approves: the draft starts, both names are on it (detail and list)", async () => {
    const id = await create();
    const asked = await (await post(id, "request-approval", editor)).json<{ broadcast: Detail }>();
    expect(asked.broadcast.approval.state).toBe("pending");
    // Still no sending while it waits.
    expect((await post(id, "send", editor)).status).toBe(409);
    const pending = await (await api("/api/broadcasts?approval=pending", { as: second })).json<{ broadcasts: { id: string }[] }>();
    expect(pending.broadcasts.map((b) => b.id)).toEqual([id]);

    const res = await post(id, "approve", second);
    expect(res.status, await res.clone().text()).toBe(200);
    const b = (await res.json<{ broadcast: Detail }>()).broadcast;
    expect(b.status).not.toBe("draft");
    expect(b.createdByName).toBe(editor.staff.name);
    expect(b.approval).toMatchObject({ state: "approved", byName: "Zweite Person", requestedByName: editor.staff.name });
    expect(queue.messages.length).toBeGreaterThan(0);
    const list = await (await api("/api/broadcasts", { as: editor })).json<{ broadcasts: Detail[] }>();
    expect(list.broadcasts[0]).toMatchObject({ createdByName: editor.staff.name, approval: { byName: "Zweite Person" } });
    // Approving twice: nothing is pending any more.
    expect((await post(id, "approve", admin)).status).toBe(409);
  });

  it("approvers are told live in the room: asked, then approved, with names", async () => {
    const room = await connectRoom(second);
    const id = await create();
    await post(id, "request-approval", editor);
    const asked = await room.waitFor("broadcast.approval", (m) => m.broadcastId === id && m.state === "pending");
    expect(asked).toMatchObject({ title: "Wochenrückblick", byName: editor.staff.name, authorId: editor.staff.id });
    await post(id, "approve", second);
    const approved = await room.waitFor("broadcast.approval", (m) => m.broadcastId === id && m.state === "approved");
    expect(approved.byName).toBe("Zweite Person");
  });

  it("reject needs a reason (German), keeps the reason, and blocks sending until asked again", async () => {
    const id = await create();
    await post(id, "request-approval", editor);
    const noReason = await post(id, "reject", second, { reason: "  " });
    expect(noReason.status).toBe(400);
    expect((await noReason.json<{ error: { message: string } }>()).error.message).toMatch(/Grund/);
    const res = await post(id, "reject", second, { reason: "Falsches Datum im Text" });
    expect(res.status).toBe(200);
    expect((await res.json<{ broadcast: Detail }>()).broadcast.approval).toMatchObject({ state: "rejected", reason: "Falsches Datum im Text", byName: "Zweite Person" });
    expect((await post(id, "send", editor)).status).toBe(409);
    expect((await post(id, "approve", admin)).status).toBe(409);
    // Edited and asked again: a new decision.
    expect((await api(`/api/broadcasts/${id}`, { as: editor, method: "PATCH", body: { text: "Richtiges Datum" } })).status).toBe(200);
    expect((await detail(id)).approval.state).toBeNull();
    expect((await post(id, "request-approval", editor)).status).toBe(200);
    expect((await post(id, "approve", admin)).status).toBe(200);
  });

  it("an edit after approval resets it; a stale approval of an edited broadcast is refused", async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const id = await create({ sendAt });
    await post(id, "request-approval", editor);
    expect((await post(id, "approve", second)).status).toBe(200);
    expect((await detail(id)).approval.state).toBe("approved");
    expect((await detail(id)).status).toBe("scheduled");
    await api(`/api/broadcasts/${id}`, { as: editor, method: "PATCH", body: { text: "Noch eine Änderung" } });
    expect((await detail(id)).approval.state).toBeNull();
    expect((await post(id, "approve", second)).status).toBe(409);
  });
});

describe("scheduled broadcasts and the cron", () => {
  beforeEach(() => setFourEyes({ enabled: true, alertThreshold: 0, newsletterThreshold: 2 }));

  async function cron(at: number) {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("never starts an unapproved one: it waits as pending, and starts at the next run after approval", async () => {
    const sendAt = Date.now() + 3_600_000;
    const id = await create({ sendAt: new Date(sendAt).toISOString() });
    await cron(sendAt + 60_000);
    expect((await detail(id)).status).toBe("scheduled");
    expect((await detail(id)).approval.state).toBe("pending");
    expect(queue.messages).toHaveLength(0);
    await cron(sendAt + 120_000);
    expect(queue.messages).toHaveLength(0);
    expect((await post(id, "approve", second)).status).toBe(200);
    // Approval keeps the schedule (already due: the next run starts it).
    expect((await detail(id)).status).toBe("scheduled");
    await cron(Math.max(sendAt + 180_000, Date.now()));
    expect((await detail(id)).status).not.toBe("scheduled");
    expect(queue.messages.length).toBeGreaterThan(0);
  });
});
