import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PBKDF2_ITERATIONS } from "../worker/auth/passwords";
import { sha256Hex } from "../worker/auth/sessions";
import { api, createStaff, DEFAULT_PASSWORD, loginAs, loginWith } from "./helpers/auth";
import { count } from "./helpers/db";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

const login = (email: string, password: string, ip = "198.51.100.1", origin: string | null = "https://townwire.test") =>
  api("/api/auth/login", { body: { email, password }, origin, headers: { "cf-connecting-ip": ip } });

describe("first admin", () => {
  it("is created from ADMIN_EMAIL / ADMIN_PASSWORD on the first login, once", async () => {
    expect(await count("staff")).toBe(0);
    const res = await login("admin@gemeinde.test", "test-admin-password");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ staff: { email: "admin@gemeinde.test", role: "admin", disabled: false } });
    // A second login (and a parallel pair) never creates another.
    await Promise.all([login("admin@gemeinde.test", "test-admin-password"), login("ADMIN@gemeinde.test", "test-admin-password")]);
    expect(await count("staff")).toBe(1);
  });

  it("is not created when staff already exist", async () => {
    await createStaff({ role: "agent" });
    const res = await login("admin@gemeinde.test", "test-admin-password");
    expect(res.status).toBe(401);
    expect(await count("staff", "role = 'admin'")).toBe(0);
  });
});

describe("login and sessions", () => {
  it("sets an HttpOnly, Secure, SameSite=Lax session cookie and stores only the token's hash", async () => {
    const staff = await createStaff({ role: "agent", email: "anna@gemeinde.test" });
    const res = await login("Anna@Gemeinde.test ", staff.password);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^tw_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    const body = await res.json<{ staff: Record<string, unknown> }>();
    expect(body.staff).toMatchObject({ id: staff.id, email: "anna@gemeinde.test", role: "agent" });
    expect(body.staff).not.toHaveProperty("passwordHash");

    const token = /tw_session=([^;]+)/.exec(cookie)?.[1] ?? "";
    const rows = await env.DB.prepare("SELECT token_hash, expires_at, created_at FROM sessions").all<{ token_hash: string; expires_at: number; created_at: number }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]?.token_hash).toBe(await sha256Hex(token));
    expect(rows.results[0]?.token_hash).not.toContain(token);
    // Default SESSION_TTL_HOURS = 12
    expect((rows.results[0]?.expires_at ?? 0) - (rows.results[0]?.created_at ?? 0)).toBe(12 * 3_600_000);
  });

  it("hashes passwords with PBKDF2 at 100000 iterations and a per-user salt", async () => {
    await createStaff({ role: "agent", email: "a@gemeinde.test", password: "gleiches-passwort-1" });
    await createStaff({ role: "agent", email: "b@gemeinde.test", password: "gleiches-passwort-1" });
    const rows = await env.DB.prepare("SELECT password_hash, password_salt, password_iterations FROM staff").all<{
      password_hash: string;
      password_salt: string;
      password_iterations: number;
    }>();
    expect(rows.results.map((r) => r.password_iterations)).toEqual([PBKDF2_ITERATIONS, PBKDF2_ITERATIONS]);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(rows.results[0]?.password_salt).not.toBe(rows.results[1]?.password_salt);
    expect(rows.results[0]?.password_hash).not.toBe(rows.results[1]?.password_hash);
    expect(JSON.stringify(rows.results)).not.toContain("gleiches-passwort-1");
  });

  it("refuses a wrong password and an unknown email with the same 401", async () => {
    const staff = await createStaff({ role: "agent" });
    const wrong = await login(staff.email, "falsches-passwort");
    const unknown = await login("niemand@gemeinde.test", "falsches-passwort");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.json<ErrorBody>();
    expect(a.error.code).toBe("invalid_credentials");
    expect(await unknown.json()).toEqual(a);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await count("sessions")).toBe(0);
  });

  it("answers bad login input with 400", async () => {
    expect((await api("/api/auth/login", { body: { email: "x@y.at" } })).status).toBe(400);
    const res = await api("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: undefined });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe("invalid_json");
  });

  it("GET /api/me returns the signed-in staff member; without or with a bad cookie 401", async () => {
    const s = await loginAs({ role: "editor", name: "Eva Editor" });
    const me = await api("/api/me", { as: s });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ staff: { id: s.staff.id, name: "Eva Editor", role: "editor" } });
    expect((await api("/api/me")).status).toBe(401);
    const forged = await api("/api/me", { headers: { cookie: "tw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("logout deletes the session and clears the cookie", async () => {
    const s = await loginAs("agent");
    const res = await api("/api/auth/logout", { method: "POST", as: s });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("set-cookie")).toMatch(/tw_session=;.*Max-Age=0/);
    expect(await count("sessions")).toBe(0);
    expect((await api("/api/me", { as: s })).status).toBe(401);
  });

  it("an expired session no longer works and is removed", async () => {
    const s = await loginAs("agent");
    await env.DB.prepare("UPDATE sessions SET expires_at = ?").bind(Date.now() - 1).run();
    expect((await api("/api/me", { as: s })).status).toBe(401);
    expect(await count("sessions")).toBe(0);
  });

  it("a session just before its expiry still works", async () => {
    const s = await loginAs("agent");
    await env.DB.prepare("UPDATE sessions SET expires_at = ?").bind(Date.now() + 60_000).run();
    expect((await api("/api/me", { as: s })).status).toBe(200);
  });
});

describe("login limits: slow the attacker, not the owner", () => {
  const setLast = (key: string, at: number) => env.DB.prepare("UPDATE rate_limits SET window_start = ? WHERE key = ?").bind(at, key).run();
  const countOf = async (key: string) =>
    (await env.DB.prepare("SELECT count FROM rate_limits WHERE key = ?").bind(key).first<{ count: number }>())?.count ?? 0;

  it("an attacker from another address cannot lock the owner out", async () => {
    const owner = await createStaff({ role: "agent" });
    // The attacker keeps guessing from one address far beyond the free tries.
    for (let i = 0; i < 5; i++) expect((await login(owner.email, "falsch-falsch", "203.0.113.66")).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await login(owner.email, "falsch-falsch", "203.0.113.66")).status).toBe(429);
    // The owner, from their own address, gets in at once — even with a typo first.
    expect((await login(owner.email, "vertippt-vertippt", "198.51.100.20")).status).toBe(401);
    expect((await login(owner.email, owner.password, "198.51.100.20")).status).toBe(200);
    // And the attacker's own password attempt with the right password is still held back.
    expect((await login(owner.email, owner.password, "203.0.113.66")).status).toBe(429);
  }, 60_000);

  it("the pair gets slower: 5 free tries, then waits of 30 s, 60 s, 120 s …, answered as 429 with Retry-After in German", async () => {
    const staff = await createStaff({ role: "agent" });
    const key = `login:pair:${staff.email}|203.0.113.5`;
    for (let i = 0; i < 5; i++) expect((await login(staff.email, "falsch-falsch", "203.0.113.5")).status).toBe(401);
    for (const expected of [30, 60, 120, 240]) {
      const refused = await login(staff.email, "falsch-falsch", "203.0.113.5");
      expect(refused.status).toBe(429);
      const retry = Number(refused.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(expected - 2);
      expect(retry).toBeLessThanOrEqual(expected);
      const body = await refused.json<ErrorBody>();
      expect(body.error.code).toBe("too_many_attempts");
      expect(body.error.message).toMatch(/^Zu viele Anmeldeversuche\. Bitte in \d+ (Sekunden|Minuten) erneut versuchen\.$/);
      expect(body.error.details?.retryAfterSeconds).toBe(retry);
      // Once the wait is over, exactly one more guess is let through (and fails).
      await setLast(key, Date.now() - expected * 1000 - 1);
      expect((await login(staff.email, "falsch-falsch", "203.0.113.5")).status).toBe(401);
    }
    expect(await countOf(key)).toBe(9);
    // Refused attempts counted nowhere.
    expect(await countOf(`login:account:${staff.email}`)).toBe(9);
  });

  it("the waits are capped at one hour per pair, and a pair quiet for a day starts over", async () => {
    const staff = await createStaff({ role: "agent" });
    const key = `login:pair:${staff.email}|203.0.113.6`;
    await env.DB.prepare("INSERT INTO rate_limits (key, count, window_start) VALUES (?, 40, ?)").bind(key, Date.now()).run();
    const refused = await login(staff.email, "falsch-falsch", "203.0.113.6");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3590);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    await setLast(key, Date.now() - 24 * 3_600_000 - 1);
    expect((await login(staff.email, "falsch-falsch", "203.0.113.6")).status).toBe(401);
    expect(await countOf(key)).toBe(1);
  });

  it("a successful login resets the pair", async () => {
    const staff = await createStaff({ role: "agent" });
    for (let i = 0; i < 4; i++) await login(staff.email, "falsch-falsch");
    expect((await login(staff.email, staff.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(staff.email, "falsch-falsch")).status).toBe(401);
    expect((await login(staff.email, staff.password)).status).toBe(200);
  });

  it("an address guessing across accounts is slowed after 30 failures; other addresses still get in", async () => {
    const victim = await createStaff({ role: "agent" });
    for (let i = 0; i < 30; i++) expect((await login(`probe${i}@gemeinde.test`, "falsch-falsch", "203.0.113.66")).status).toBe(401);
    expect((await login(victim.email, victim.password, "203.0.113.66")).status).toBe(429);
    expect((await login(victim.email, victim.password, "203.0.113.67")).status).toBe(200);
  }, 60_000);

  it("a distributed attack meets the account ceiling with growing waits; the owner's known address is not held back", async () => {
    const owner = await createStaff({ role: "agent" });
    expect((await login(owner.email, owner.password, "198.51.100.20")).status).toBe(200);
    // 50 failures from many addresses (the ceiling), the last one just now.
    await env.DB.prepare("INSERT OR REPLACE INTO rate_limits (key, count, window_start) VALUES (?, 50, ?)").bind(`login:account:${owner.email}`, Date.now()).run();
    const stranger = await login(owner.email, "falsch-falsch", "192.0.2.1");
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    // The owner's usual address signs in, wrong password first.
    expect((await login(owner.email, "vertippt-vertippt", "198.51.100.20")).status).toBe(401);
    expect((await login(owner.email, owner.password, "198.51.100.20")).status).toBe(200);
    // After the wait a stranger gets one guess, then the wait doubles.
    await setLast(`login:account:${owner.email}`, Date.now() - 31_000);
    expect((await login(owner.email, "falsch-falsch", "192.0.2.2")).status).toBe(401);
    const next = await login(owner.email, "falsch-falsch", "192.0.2.3");
    expect(next.status).toBe(429);
    expect(Number(next.headers.get("retry-after"))).toBeGreaterThan(55);
  });

  it("holds under a parallel burst: of 10 guesses at once only 5 are checked, the rest get 429", async () => {
    const staff = await createStaff({ role: "agent" });
    const results = await Promise.all(Array.from({ length: 10 }, () => login(staff.email, "falsch-falsch")));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
    expect(await countOf(`login:pair:${staff.email}|198.51.100.1`)).toBe(5);
    expect((await login(staff.email, staff.password)).status).toBe(429);
  });

  it("holds under a parallel burst across accounts from one address: at most 30 are checked", async () => {
    const results = await Promise.all(Array.from({ length: 36 }, (_, i) => login(`burst${i}@gemeinde.test`, "falsch-falsch", "203.0.113.77")));
    expect(results.filter((r) => r.status === 401)).toHaveLength(30);
    expect(results.filter((r) => r.status === 429)).toHaveLength(6);
  }, 60_000);

  it("successful sign-ins do not use up an office's shared address budget", async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => createStaff({ role: "agent" })));
    for (let round = 0; round < 12; round++) {
      for (const p of people) expect((await login(p.email, p.password, "203.0.113.10")).status).toBe(200);
    }
    expect(await countOf("login:ip:203.0.113.10")).toBe(0);
  }, 60_000);

  it("an admin unlocks an account: every wait on it is lifted; only admins may", async () => {
    const admin = await loginAs("admin");
    const staff = await createStaff({ role: "agent" });
    for (let i = 0; i < 6; i++) await login(staff.email, "falsch-falsch", "203.0.113.8");
    await env.DB.prepare("INSERT OR REPLACE INTO rate_limits (key, count, window_start) VALUES (?, 60, ?)").bind(`login:account:${staff.email}`, Date.now()).run();
    expect((await login(staff.email, staff.password, "203.0.113.8")).status).toBe(429);
    expect((await login(staff.email, staff.password, "192.0.2.9")).status).toBe(429);

    const agent = await loginAs("agent");
    expect((await api(`/api/staff/${staff.id}/unlock`, { method: "POST", as: agent })).status).toBe(403);
    expect((await api(`/api/staff/${staff.id}/unlock`, { method: "POST", as: admin, origin: "https://evil.example" })).status).toBe(403);
    expect((await api("/api/staff/niemand/unlock", { method: "POST", as: admin })).status).toBe(404);
    const res = await api(`/api/staff/${staff.id}/unlock`, { method: "POST", as: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, cleared: 2 });
    expect((await login(staff.email, staff.password, "203.0.113.8")).status).toBe(200);
    expect((await login(staff.email, staff.password, "192.0.2.9")).status).toBe(200);
  }, 60_000);

  it("unlock works for emails longer than D1's 50-byte LIKE limit and leaves other accounts alone", async () => {
    const admin = await loginAs("admin");
    const long = await createStaff({ role: "agent", email: `${"sehr-langer-name.".repeat(4)}mitarbeiterin@gemeinde.test` });
    const other = await createStaff({ role: "agent", email: `${"sehr-langer-name.".repeat(4)}mitarbeiterin@gemeinde.test.at` });
    for (const s of [long, other]) for (let i = 0; i < 6; i++) await login(s.email, "falsch-falsch", "203.0.113.9");
    expect((await api(`/api/staff/${long.id}/unlock`, { method: "POST", as: admin })).status).toBe(200);
    expect((await login(long.email, long.password, "203.0.113.9")).status).toBe(200);
    expect((await login(other.email, other.password, "203.0.113.9")).status).toBe(429);
  }, 60_000);
});

describe("Origin check on state-changing requests", () => {
  it("refuses POST/PATCH/PUT without Origin or from another site with 403 bad_origin", async () => {
    const admin = await loginAs("admin");
    const agent = await createStaff({ role: "agent" });
    const cases: [string, string, unknown][] = [
      ["POST", "/api/auth/logout", {}],
      ["POST", "/api/staff", { email: "x@gemeinde.test", name: "X", role: "agent", password: DEFAULT_PASSWORD }],
      ["PATCH", `/api/staff/${agent.id}`, { disabled: true }],
      ["PUT", "/api/report-categories", { categories: ["A"] }],
    ];
    for (const [method, path, body] of cases) {
      for (const origin of [null, "https://evil.example", "http://townwire.test"]) {
        const res = await api(path, { method, body, as: admin, origin });
        expect(res.status, `${method} ${path} origin=${origin}`).toBe(403);
        expect((await res.json<ErrorBody>()).error.code).toBe("bad_origin");
      }
    }
    // Nothing happened.
    expect(await count("staff", "disabled = 1")).toBe(0);
    expect(await count("sessions")).toBe(1);
  });

  it("refuses a cross-site login", async () => {
    const staff = await createStaff({ role: "agent" });
    const res = await login(staff.email, staff.password, "198.51.100.1", "https://evil.example");
    expect(res.status).toBe(403);
    expect(await count("sessions")).toBe(0);
  });

  it("lets GET through without Origin", async () => {
    const s = await loginAs("agent");
    expect((await api("/api/me", { as: s, origin: null })).status).toBe(200);
  });
});

describe("staff management", () => {
  it("admins create, list and change staff", async () => {
    const admin = await loginAs("admin");
    const created = await api("/api/staff", {
      as: admin,
      body: { email: " Neu@Gemeinde.test", name: "Nina Neu", role: "agent", password: "ein-sicheres-passwort", phone: "+43 664 123 4567" },
    });
    expect(created.status).toBe(201);
    const { staff } = await created.json<{ staff: { id: string; email: string; phone: string; disabled: boolean; createdAt: number } }>();
    expect(staff).toMatchObject({ email: "neu@gemeinde.test", name: "Nina Neu", role: "agent", phone: "436641234567", disabled: false });
    expect(typeof staff.createdAt).toBe("number");

    const list = await (await api("/api/staff", { as: admin })).json<{ staff: { id: string }[] }>();
    expect(list.staff.map((s) => s.id)).toContain(staff.id);
    expect(JSON.stringify(list)).not.toMatch(/password/i);

    const patched = await api(`/api/staff/${staff.id}`, { method: "PATCH", as: admin, body: { role: "editor", name: "Nina N." } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ staff: { id: staff.id, role: "editor", name: "Nina N." } });

    // The new person can sign in with the password the admin set.
    const nina = await loginWith("neu@gemeinde.test", "ein-sicheres-passwort");
    expect(nina.staff.role).toBe("editor");
  });

  it("refuses bad staff input", async () => {
    const admin = await loginAs("admin");
    const bad = [
      { email: "kein-mail", name: "X", role: "agent", password: DEFAULT_PASSWORD },
      { email: "x@gemeinde.test", name: "X", role: "chef", password: DEFAULT_PASSWORD },
      { email: "x@gemeinde.test", name: "X", role: "agent", password: "kurz" },
      { email: "x@gemeinde.test", name: "", role: "agent", password: DEFAULT_PASSWORD },
      { email: "x@gemeinde.test", name: "X", role: "agent", password: DEFAULT_PASSWORD, phone: "abc" },
    ];
    for (const body of bad) {
      const res = await api("/api/staff", { as: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe("bad_request");
    }
    const dupe = await api("/api/staff", { as: admin, body: { email: admin.staff.email.toUpperCase(), name: "X", role: "agent", password: DEFAULT_PASSWORD } });
    expect(dupe.status).toBe(409);
    expect((await dupe.json<ErrorBody>()).error.code).toBe("email_taken");
    expect((await api("/api/staff/nope", { method: "PATCH", as: admin, body: { name: "Y" } })).status).toBe(404);
    expect((await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { isAdmin: true } })).status).toBe(400);
  });

  it("disabling someone ends their sessions at once and they cannot sign in again", async () => {
    const admin = await loginAs("admin");
    const agent = await loginAs("agent");
    expect((await api("/api/me", { as: agent })).status).toBe(200);
    const res = await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: admin, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ staff: { disabled: true } });
    expect(await count("sessions", `staff_id = '${agent.staff.id}'`)).toBe(0);
    expect((await api("/api/me", { as: agent })).status).toBe(401);
    expect((await api("/api/conversations", { as: agent })).status).toBe(401);
    expect((await login(agent.staff.email, DEFAULT_PASSWORD)).status).toBe(401);
    // Enabled again: can sign in.
    await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: admin, body: { disabled: false } });
    expect((await login(agent.staff.email, DEFAULT_PASSWORD)).status).toBe(200);
  });

  it("a new password signs the person out and only the new one works", async () => {
    const admin = await loginAs("admin");
    const agent = await loginAs("agent");
    await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: admin, body: { password: "ganz-neues-passwort" } });
    expect((await api("/api/me", { as: agent })).status).toBe(401);
    expect((await login(agent.staff.email, DEFAULT_PASSWORD)).status).toBe(401);
    expect((await login(agent.staff.email, "ganz-neues-passwort")).status).toBe(200);
  });

  it("admins changing their own password keep their current session", async () => {
    const admin = await loginAs("admin");
    const res = await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { password: "mein-neues-passwort" } });
    expect(res.status).toBe(200);
    expect((await api("/api/me", { as: admin })).status).toBe(200);
  });

  it("everyone may set their own WhatsApp number for test-sends, and nothing else about themselves or others", async () => {
    const agent = await loginAs("agent");
    const own = await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: agent, body: { phone: "+43 664 765 4321" } });
    expect(own.status, await own.clone().text()).toBe(200);
    expect(await own.json()).toMatchObject({ staff: { phone: "436647654321" } });
    expect((await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: agent, body: { phone: null } })).status).toBe(200);
    expect((await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: agent, body: { phone: "abc" } })).status).toBe(400);
    expect((await api(`/api/staff/${agent.staff.id}`, { method: "PATCH", as: agent, body: { role: "admin" } })).status).toBe(403);
    const other = await createStaff({ role: "agent" });
    expect((await api(`/api/staff/${other.id}`, { method: "PATCH", as: agent, body: { phone: "436641111111" } })).status).toBe(403);
    expect((await api("/api/staff", { as: agent })).status).toBe(403);
  });

  it("the last active admin cannot be demoted or disabled", async () => {
    const admin = await loginAs("admin");
    for (const body of [{ role: "editor" }, { disabled: true }]) {
      const res = await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body });
      expect(res.status).toBe(409);
      expect((await res.json<ErrorBody>()).error.code).toBe("last_admin");
    }
    const second = await createStaff({ role: "admin" });
    expect((await api(`/api/staff/${admin.staff.id}`, { method: "PATCH", as: admin, body: { role: "editor" } })).status).toBe(200);
    expect(second.role).toBe("admin");
  });
});

describe("role matrix (enforced server-side)", () => {
  type Route = { method: string; path: string | ((ids: { staffId: string }) => string); body?: unknown; minRole: "agent" | "editor" | "admin" };
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  const routes: Route[] = [
    { method: "GET", path: "/api/me", minRole: "agent" },
    { method: "GET", path: "/api/conversations", minRole: "agent" },
    { method: "GET", path: "/api/templates", minRole: "agent" },
    { method: "GET", path: "/api/report-categories", minRole: "agent" },
    { method: "POST", path: "/api/media", minRole: "agent" },
    { method: "GET", path: "/api/staff", minRole: "admin" },
    { method: "POST", path: "/api/staff", body: { email: "neu@gemeinde.test", name: "N", role: "agent", password: DEFAULT_PASSWORD }, minRole: "admin" },
    { method: "PATCH", path: ({ staffId }) => `/api/staff/${staffId}`, body: { name: "Geändert" }, minRole: "admin" },
    { method: "PUT", path: "/api/report-categories", body: { categories: ["Vandalismus", "Sonstiges"] }, minRole: "admin" },
  ];
  const rank = { agent: 0, editor: 1, admin: 2 } as const;

  for (const route of routes) {
    const label = `${route.method} ${typeof route.path === "string" ? route.path : route.path({ staffId: ":id" })}`;
    it(`${label}: anonymous 401, below ${route.minRole} 403, others allowed`, async () => {
      const target = await createStaff({ role: "agent" });
      const path = typeof route.path === "string" ? route.path : route.path({ staffId: target.id });
      const body = () => {
        if (route.path !== "/api/media") return route.body;
        const form = new FormData();
        form.append("file", new File([png], "x.png", { type: "image/png" }));
        return form;
      };
      const anon = await api(path, { method: route.method, body: body() });
      expect(anon.status, `${label} anonymous`).toBe(401);
      for (const role of ["agent", "editor", "admin"] as const) {
        const s = await loginAs(role);
        const res = await api(path, { method: route.method, body: body(), as: s });
        if (rank[role] < rank[route.minRole]) {
          expect(res.status, `${label} as ${role}`).toBe(403);
          expect((await res.json<ErrorBody>()).error.code).toBe("forbidden");
        } else {
          expect(res.status, `${label} as ${role}`).toBeLessThan(300);
        }
        // The POST /api/staff body can only be created once.
        if (route.path === "/api/staff" && route.method === "POST") await env.DB.prepare("DELETE FROM staff WHERE email = 'neu@gemeinde.test'").run();
      }
    });
  }

  // Routes of the broadcasts and channels modules: the same middleware decides, checked here from the role side.
  const otherModules: { method: string; path: string; minRole: "editor" | "admin" }[] = [
    { method: "POST", path: "/api/channels", minRole: "editor" },
    { method: "PATCH", path: "/api/channels/x", minRole: "editor" },
    { method: "POST", path: "/api/broadcasts", minRole: "editor" },
    { method: "GET", path: "/api/dead-letters", minRole: "editor" },
    { method: "GET", path: "/api/subscribers/x/export", minRole: "editor" },
    { method: "PUT", path: "/api/keywords", minRole: "admin" },
    { method: "PUT", path: "/api/broadcasts/settings", minRole: "admin" },
    { method: "POST", path: "/api/subscribers/x/erase", minRole: "admin" },
  ];
  it("broadcast and channel routes: agents are refused, editors reach editor routes, only admins reach admin routes", async () => {
    const sessions = { agent: await loginAs("agent"), editor: await loginAs("editor"), admin: await loginAs("admin") };
    for (const route of otherModules) {
      for (const role of ["agent", "editor", "admin"] as const) {
        const res = await api(route.path, { method: route.method, body: route.method === "GET" ? undefined : {}, as: sessions[role] });
        const label = `${route.method} ${route.path} as ${role}`;
        if (rank[role] < rank[route.minRole]) expect(res.status, label).toBe(403);
        else expect([401, 403], label).not.toContain(res.status);
      }
    }
  });

  it("every /api route except login, health and /api/public needs a session", async () => {
    expect((await api("/api/health")).status).toBe(200);
    for (const path of ["/api/conversations/x", "/api/media/x", "/api/unknown", "/api/staff/x"]) {
      expect((await api(path)).status, path).toBe(401);
    }
  });
});

describe("housekeeping", () => {
  it("the minute cron deletes expired sessions and login counters quiet for a day, and keeps live ones and known addresses", async () => {
    const { cleanupAuthTables } = await import("../worker/auth/cleanup");
    const { getDb } = await import("../worker/db/client");
    const live = await loginAs("agent");
    await loginAs("agent");
    await env.DB.prepare("UPDATE sessions SET expires_at = 1 WHERE staff_id <> ?").bind(live.staff.id).run();
    const day = 24 * 3_600_000;
    await env.DB.prepare(
      "INSERT INTO rate_limits (key, count, window_start) VALUES ('login:ip:old', 3, ?1 - ?2 - 1), ('login:ip:new', 3, ?1 - 60000), ('public:x', 1, 1), ('login:known:a|1', 1, ?1 - 2 * ?2), ('login:known:b|1', 1, ?1 - 31 * ?2)",
    )
      .bind(Date.now(), day)
      .run();
    await cleanupAuthTables(getDb(env.DB));
    expect(await count("sessions")).toBe(1);
    expect((await api("/api/me", { as: live })).status).toBe(200);
    const keys = await env.DB.prepare("SELECT key FROM rate_limits ORDER BY key").all<{ key: string }>();
    expect(keys.results.map((r) => r.key).filter((k) => !/^login:known:(admin|agent)/.test(k))).toEqual([
      "login:ip:new",
      "login:known:a|1",
      "public:x",
    ]);
  });
});
