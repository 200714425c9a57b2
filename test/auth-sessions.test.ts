// Session rules: a new password (set by an admin or by oneself) ends the other sessions and their
// websockets, logout always clears the cookie, and the last active admin survives parallel demotions.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { api, createStaff, DEFAULT_PASSWORD, loginAs, loginWith, type Session } from "./helpers/auth";
import { count } from "./helpers/db";
import { closeAllRooms, connectRoom } from "./helpers/room";

afterEach(() => closeAllRooms());

type ErrorBody = { error: { code: string; message: string } };

describe("changing a password", () => {
  it("an admin changing their own password closes the websockets of their other sessions, not of this one", async () => {
    const admin = await loginAs("admin");
    const laptop = await loginWith(admin.staff.email, DEFAULT_PASSWORD, "198.51.100.30");
    const laptopSocket = await connectRoom(laptop);
    const hereSocket = await connectRoom(admin);
    await hereSocket.waitFor("presence.state");
    const res = await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { password: "ein-ganz-neues-passwort" } });
    expect(res.status).toBe(200);
    expect((await laptopSocket.closed).code).toBe(4001);
    expect((await api("/api/me", { as: laptop })).status).toBe(401);
    expect((await api("/api/me", { as: admin })).status).toBe(200);
    // This session's socket still gets events.
    const other = await loginAs({ role: "agent", name: "Nachzüglerin" });
    const otherSocket = await connectRoom(other);
    await hereSocket.waitFor("presence.state", (m) => m.staff.some((s) => s.name === "Nachzüglerin"));
    otherSocket.close();
  });

  it("an admin setting someone's password closes all that person's websockets", async () => {
    const admin = await loginAs("admin");
    const agent = await loginAs("agent");
    const socket = await connectRoom(agent);
    await socket.waitFor("presence.state");
    await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: admin, body: { password: "ein-ganz-neues-passwort" } });
    expect((await socket.closed).code).toBe(4001);
    expect(await count("sessions", `staff_id = '${agent.staff.id}'`)).toBe(0);
  });
});

describe("changing your own password (POST /api/auth/password)", () => {
  const change = (as: Session, body: unknown, ip = "203.0.113.7") =>
    api("/api/auth/password", { as, body, headers: { "cf-connecting-ip": ip } });

  it("any role: ends the other sessions and closes their websockets, keeps this session and its socket", async () => {
    const agent = await loginAs("agent");
    const phone = await loginWith(agent.staff.email, DEFAULT_PASSWORD, "198.51.100.31");
    const phoneSocket = await connectRoom(phone);
    const hereSocket = await connectRoom(agent);
    await hereSocket.waitFor("presence.state");
    const res = await change(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, endedSessions: 1 });
    expect((await phoneSocket.closed).code).toBe(4001);
    expect((await api("/api/me", { as: phone })).status).toBe(401);
    expect((await api("/api/me", { as: agent })).status).toBe(200);
    // This session's socket still gets events.
    const other = await loginAs({ role: "editor", name: "Spätschicht" });
    const otherSocket = await connectRoom(other);
    await hereSocket.waitFor("presence.state", (m) => m.staff.some((s) => s.name === "Spätschicht"));
    otherSocket.close();
    // Only the new password signs in now.
    await expect(loginWith(agent.staff.email, DEFAULT_PASSWORD, "198.51.100.32")).rejects.toThrow(/401/);
    expect((await loginWith(agent.staff.email, "mein-neues-passwort", "198.51.100.32")).staff.id).toBe(agent.staff.id);
  });

  it("refuses a wrong current password with 403, counts it like a wrong sign-in, and changes nothing", async () => {
    const agent = await loginAs("agent");
    const phone = await loginWith(agent.staff.email, DEFAULT_PASSWORD, "198.51.100.33");
    const res = await change(agent, { currentPassword: "falsch-geraten-1", newPassword: "mein-neues-passwort" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "wrong_password", message: "Das aktuelle Passwort ist falsch. Bitte noch einmal eingeben." } });
    expect(await count("rate_limits", `key = 'login:pair:${agent.staff.email}|203.0.113.7'`)).toBe(1);
    expect((await api("/api/me", { as: phone })).status).toBe(200);
    expect((await loginWith(agent.staff.email, DEFAULT_PASSWORD, "198.51.100.34")).staff.id).toBe(agent.staff.id);
  });

  it("cannot be used to guess: a parallel burst gets only the sign-in's free tries, then even the right password waits", async () => {
    const agent = await loginAs("agent");
    const guesses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => change(agent, { currentPassword: `falsch-geraten-${i}`, newPassword: "mein-neues-passwort" })),
    );
    const statuses = guesses.map((r) => r.status).sort();
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429, 429]);
    const right = await change(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort" });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await right.json<ErrorBody>()).error.code).toBe("too_many_attempts");
    // The sign-in form from the same address waits too: one budget for both.
    const login = await api("/api/auth/login", {
      body: { email: agent.staff.email, password: DEFAULT_PASSWORD },
      headers: { "cf-connecting-ip": "203.0.113.7" },
    });
    expect(login.status).toBe(429);
  });

  it("shares the budget with failed sign-ins from the same address", async () => {
    const agent = await loginAs("agent");
    for (let i = 0; i < 5; i++) {
      const res = await api("/api/auth/login", {
        body: { email: agent.staff.email, password: `falsch-${i}-xxxxxx` },
        headers: { "cf-connecting-ip": "198.51.100.40" },
      });
      expect(res.status).toBe(401);
    }
    const res = await change(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort" }, "198.51.100.40");
    expect(res.status).toBe(429);
    // From another address the owner can still change it.
    expect((await change(agent, { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort" })).status).toBe(200);
  });

  it("answers bad input with 400, no session with 401, and a foreign origin with 403", async () => {
    const agent = await loginAs("agent");
    const bad: unknown[] = [
      { currentPassword: DEFAULT_PASSWORD, newPassword: "kurz" },
      { currentPassword: DEFAULT_PASSWORD, newPassword: DEFAULT_PASSWORD },
      { currentPassword: "", newPassword: "mein-neues-passwort" },
      { newPassword: "mein-neues-passwort" },
      { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort", role: "admin" },
      "kein Objekt",
      null,
    ];
    for (const body of bad) {
      const res = await change(agent, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<ErrorBody>()).error.message, JSON.stringify(body)).toMatch(/\S/);
    }
    expect(await count("rate_limits", "key LIKE 'login:pair:%'")).toBe(0);
    const body = { currentPassword: DEFAULT_PASSWORD, newPassword: "mein-neues-passwort" };
    expect((await api("/api/auth/password", { body })).status).toBe(401);
    expect((await api("/api/auth/password", { as: agent, body, origin: "https://evil.example" })).status).toBe(403);
    expect((await api("/api/auth/password", { as: agent, body: { currentPassword: "x".repeat(9000), newPassword: "y" } })).status).toBe(413);
  });
});

describe("logout", () => {
  it("answers 200 and clears the cookie for a stale or unknown session, and without a cookie", async () => {
    const s = await loginAs("agent");
    await env.DB.prepare("UPDATE sessions SET expires_at = ?").bind(Date.now() - 1).run();
    const cases: Record<string, string>[] = [{ cookie: s.cookie }, { cookie: "tw_session=gibt-es-nicht" }, {}];
    for (const headers of cases) {
      const res = await api("/api/auth/logout", { method: "POST", headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect(res.headers.get("set-cookie")).toMatch(/tw_session=;.*Max-Age=0/);
    }
  });

  it("still refuses a cross-site logout", async () => {
    const s = await loginAs("agent");
    const res = await api("/api/auth/logout", { method: "POST", as: s, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await count("sessions")).toBe(1);
  });
});

describe("the last active admin", () => {
  it("survives two admins demoting or disabling each other at once", async () => {
    for (const body of [{ role: "editor" }, { disabled: true }]) {
      await env.DB.prepare("DELETE FROM sessions").run();
      await env.DB.prepare("DELETE FROM staff").run();
      const a = await loginAs("admin");
      const b = await loginAs("admin");
      const results = await Promise.all([
        api(`/api/staff/${b.staff.id}`, { method: "PATCH", as: a, body }),
        api(`/api/staff/${a.staff.id}`, { method: "PATCH", as: b, body }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, JSON.stringify(body)).toEqual([200, 409]);
      const refused = results.find((r) => r.status === 409);
      expect((await refused?.json<ErrorBody>())?.error.code).toBe("last_admin");
      expect(await count("staff", "role = 'admin' AND disabled = 0")).toBe(1);
    }
  });

  it("can still be renamed, given a new password, or re-enabled, and a second admin can be demoted", async () => {
    const admin = await loginAs("admin");
    expect((await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { name: "Chefin" } })).status).toBe(200);
    expect((await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { role: "admin", disabled: false } })).status).toBe(200);
    const second = await createStaff({ role: "admin" });
    expect((await api(`/api/staff/${second.id}`, { method: "PATCH", as: admin, body: { role: "agent" } })).status).toBe(200);
    expect((await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { role: "editor" } })).status).toBe(409);
    // A disabled admin may be re-enabled and demoted while another is active.
    const dormant = await createStaff({ role: "admin" });
    await env.DB.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(dormant.id).run();
    expect((await api(`/api/staff/${dormant.id}`, { method: "PATCH", as: admin, body: { role: "agent" } })).status).toBe(200);
  });
});
