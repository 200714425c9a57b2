// The audit trail (docs/trust.md): append-only rows for sign-ins, staff changes, broadcasts, citizens'
// data and settings; filters and cursor; CSV/JSON export; retention by the minute cron.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../worker/index";
import { api, BASE_URL, createStaff, loginAs, ORIGIN, type Session } from "./helpers/auth";
import { seedChannel, seedCitizens } from "./helpers/broadcasts";

interface Entry {
  id: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

let admin: Session;

async function entries(query = ""): Promise<{ entries: Entry[]; nextCursor: string | null }> {
  const res = await api(`/api/audit${query}`, { as: admin });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

async function insertRaw(at: number, action = "test.row"): Promise<void> {
  await env.DB.prepare("INSERT INTO audit_log (at, actor_id, actor_name, action) VALUES (?, NULL, 'Test', ?)").bind(at, action).run();
}

beforeEach(async () => {
  admin = await loginAs({ role: "admin", name: "Anna Admin" });
});

describe("append-only", () => {
  it("rows cannot be changed or deleted (the database raises); old rows past the retention can be deleted", async () => {
    await insertRaw(Date.now());
    await expect(env.DB.prepare("UPDATE audit_log SET action = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE audit_log SET ip = '1.2.3.4'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/retention/);
    // A row older than the default 730 days may go (that is what the retention does).
    await insertRaw(Date.now() - 800 * 86_400_000, "old.row");
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE action = 'old.row'").run()).resolves.toBeTruthy();
    // Setting a very short retention does not open the door: never under 30 days.
    await env.DB.prepare("INSERT INTO settings (key, value) VALUES ('trust.audit_retention_days', '1')").run();
    await insertRaw(Date.now() - 5 * 86_400_000, "young.row");
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE action = 'young.row'").run()).rejects.toThrow(/retention/);
  });

  it("the minute cron removes rows past the retention setting only", async () => {
    const now = Date.now();
    await insertRaw(now - 800 * 86_400_000, "old");
    await insertRaw(now - 700 * 86_400_000, "kept");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await env.DB.prepare("SELECT action FROM audit_log WHERE action IN ('old', 'kept')").all<{ action: string }>();
    expect(left.results.map((r) => r.action)).toEqual(["kept"]);
  });
});

describe("what is recorded", () => {
  it("sign-in success and failure, with the address", async () => {
    const s = await createStaff({ role: "agent", name: "Berta" });
    const login = (password: string) =>
      exports.default.fetch(
        new Request(`${BASE_URL}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": "192.0.2.44" },
          body: JSON.stringify({ email: s.email, password }),
        }),
      );
    expect((await login("falsches-passwort")).status).toBe(401);
    expect((await login(s.password)).status).toBe(200);
    const { entries: rows } = await entries("?action=auth.");
    const mine = rows.filter((r) => r.targetId === s.id);
    expect(mine.map((r) => r.action)).toEqual(["auth.login", "auth.login_failed"]);
    expect(mine[0]).toMatchObject({ actorId: s.id, actorName: "Berta", ip: "192.0.2.44" });
    expect(mine[1]).toMatchObject({ detail: { email: s.email, reason: "invalid_credentials" } });
    expect(JSON.stringify(mine)).not.toContain("falsches-passwort");
  });

  it("role changes, broadcasts, settings, citizen export and subscription changes — never message bodies", async () => {
    const ed = await createStaff({ role: "agent" });
    expect((await api(`/api/staff/${ed.id}`, { as: admin, method: "PATCH", body: { role: "editor", password: "ein-ganz-neues-passwort" } })).status).toBe(200);
    await seedChannel("ch_news", "Newsletter");
    await seedCitizens([{ id: "cit1", channels: [] }]);
    const created = await api("/api/broadcasts", { as: admin, body: { title: "Juni", kind: "newsletter", text: "GEHEIMER TEXT", channelIds: ["ch_news"] } });
    const b = (await created.json<{ broadcast: { id: string } }>()).broadcast;
    await api(`/api/broadcasts/${b.id}`, { as: admin, method: "PATCH", body: { text: "NOCH GEHEIMER" } });
    await api(`/api/broadcasts/${b.id}/cancel`, { as: admin, method: "POST" });
    await api("/api/settings/trust", { as: admin, method: "PUT", body: { fourEyes: { enabled: true, alertThreshold: 0, newsletterThreshold: 100 }, requireTotp: false, auditRetentionDays: 365 } });
    expect((await api("/api/subscribers/cit1/export", { as: admin })).status).toBe(200);
    expect((await api("/api/subscribers/cit1/subscriptions", { as: admin, body: { subscribe: ["ch_news"] } })).status).toBe(200);

    const { entries: rows } = await entries();
    const actions = rows.map((r) => r.action);
    for (const a of ["staff.update", "broadcast.create", "broadcast.update", "broadcast.cancel", "settings.trust", "citizen.export", "subscription.change"]) {
      expect(actions, a).toContain(a);
    }
    const byAction = (a: string) => rows.find((r) => r.action === a)!;
    expect(byAction("staff.update")).toMatchObject({ actorId: admin.staff.id, targetType: "staff", targetId: ed.id, detail: { role: "editor", changed: ["password", "role"] } });
    expect(byAction("broadcast.create")).toMatchObject({ targetId: b.id, detail: { title: "Juni", kind: "newsletter" } });
    expect(byAction("broadcast.update").detail).toEqual({ changed: ["text"] });
    expect(byAction("citizen.export")).toMatchObject({ targetType: "citizen", targetId: "cit1" });
    expect(byAction("subscription.change").detail).toEqual({ subscribe: ["ch_news"] });
    expect(byAction("settings.trust").detail).toMatchObject({ auditRetentionDays: 365 });
    const all = JSON.stringify(rows);
    expect(all).not.toContain("GEHEIM");
    expect(all).not.toContain("ein-ganz-neues-passwort");
  });

  it("refused requests are not recorded as done", async () => {
    const agent = await loginAs("agent");
    expect((await api("/api/settings/trust", { as: agent, method: "PUT", body: {} })).status).toBe(403);
    expect((await entries("?action=settings.trust")).entries).toEqual([]);
  });
});

describe("reading", () => {
  it("is for admins only", async () => {
    const editor = await loginAs("editor");
    expect((await api("/api/audit", { as: editor })).status).toBe(403);
    expect((await api("/api/audit/export", { as: editor })).status).toBe(403);
    expect((await api("/api/audit")).status).toBe(401);
  });

  it("filters by actor and action (exact or prefix) and pages with a cursor, newest first", async () => {
    const now = Date.now();
    for (let i = 0; i < 5; i++) await insertRaw(now + i, "broadcast.send");
    for (let i = 0; i < 3; i++) await insertRaw(now + i, "broadcast.cancel");
    await env.DB.prepare("INSERT INTO audit_log (at, actor_id, actor_name, action) VALUES (?, 'st_x', 'X', 'staff.update')").bind(now).run();

    const first = await entries("?action=broadcast.send&limit=2");
    expect(first.entries).toHaveLength(2);
    expect(first.entries.every((e) => e.action === "broadcast.send")).toBe(true);
    expect(first.entries[0]!.id).toBeGreaterThan(first.entries[1]!.id);
    const second = await entries(`?action=broadcast.send&limit=2&cursor=${first.nextCursor}`);
    const third = await entries(`?action=broadcast.send&limit=2&cursor=${second.nextCursor}`);
    expect(third.entries).toHaveLength(1);
    expect(third.nextCursor).toBeNull();
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(5);

    expect((await entries("?action=broadcast.")).entries).toHaveLength(8);
    expect((await entries("?actor=st_x")).entries.map((e) => e.action)).toEqual(["staff.update"]);
    const bad = await api("/api/audit?cursor=abc", { as: admin });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { message: string } }>()).error.message).toMatch(/Ungültige Seite/);
  });

  it("exports CSV (safe for spreadsheets) and JSON, and the export itself is recorded", async () => {
    await env.DB.prepare("INSERT INTO audit_log (at, actor_id, actor_name, action, detail) VALUES (?, NULL, '=HYPERLINK(\"x\")', 'test.csv', '{\"a\":\"b,c\"}')").bind(Date.now()).run();
    const csv = await api("/api/audit/export?format=csv&action=test.csv", { as: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    const [header, line] = text.trim().split("\r\n");
    expect(header).toBe("id,at,time_utc,actor_id,actor_name,action,target_type,target_id,detail,ip");
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(line).toContain(`"{""a"":""b,c""}"`);
    const json = await (await api("/api/audit/export?format=json&action=test.csv", { as: admin })).json<{ entries: Entry[] }>();
    expect(json.entries).toHaveLength(1);
    expect((await entries("?action=audit.export")).entries.length).toBe(2);
  });
});
