// Two-factor sign-in (docs/trust.md): TOTP per RFC 6238 with recovery codes, the same sign-in limits,
// and the town's rule that editors and admins must use it.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { currentCode, TOTP_PERIOD_S } from "../worker/auth/totp";
import { api, BASE_URL, createStaff, loginAs, loginWith, ORIGIN, type Session } from "./helpers/auth";

function login(body: Record<string, unknown>, ip = "198.51.100.20"): Promise<Response> {
  return exports.default.fetch(
    new Request(`${BASE_URL}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": ip },
      body: JSON.stringify(body),
    }),
  );
}

/** A code for the next time step, so it is newer than the one used to enable (no replay). */
const nextCode = (secret: string, steps = 1) => currentCode(secret, Date.now() + steps * TOTP_PERIOD_S * 1000);

async function enable(as: Session): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await api("/api/auth/totp/setup", { as, method: "POST", body: {} });
  expect(setup.status, await setup.clone().text()).toBe(200);
  const { secret, otpauthUrl } = await setup.json<{ secret: string; otpauthUrl: string }>();
  expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/townwire:.*secret=/);
  expect(otpauthUrl).toContain(`secret=${secret}`);
  const wrong = await api("/api/auth/totp/enable", { as, body: { code: "000000" === currentCode(secret) ? "111111" : "000000" } });
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toMatchObject({ error: { code: "invalid_totp", message: expect.stringMatching(/Code/) } });
  const res = await api("/api/auth/totp/enable", { as, body: { code: currentCode(secret) } });
  expect(res.status, await res.clone().text()).toBe(200);
  const { recoveryCodes } = await res.json<{ recoveryCodes: string[] }>();
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  return { secret, recoveryCodes };
}

describe("TOTP sign-in", () => {
  it("after enabling, login needs the code: 401 totp_required without, 401 invalid_totp when wrong, 200 with it", async () => {
    const s = await loginAs("editor");
    const { secret } = await enable(s);
    const creds = { email: s.staff.email, password: "richtig-langes-passwort" };
    const without = await login(creds);
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: "totp_required", message: expect.stringMatching(/Code/) } });
    const code = nextCode(secret);
    const wrong = await login({ ...creds, totp: code === "123456" ? "654321" : "123456" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "invalid_totp" } });
    const ok = await login({ ...creds, totp: code });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toMatchObject({ staff: { totpEnabled: true }, totpSetupRequired: false });
    // The same code (same time step) again: refused as a replay.
    const replay = await login({ ...creds, totp: code });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "invalid_totp" } });
  });

  it("a wrong password never reveals whether a code is needed", async () => {
    const s = await loginAs("editor");
    await enable(s);
    const res = await login({ email: s.staff.email, password: "falsches-passwort" });
    expect(await res.json()).toMatchObject({ error: { code: "invalid_credentials" } });
  });

  it("accounts without two-factor sign in as before", async () => {
    const staff = await createStaff({ role: "agent" });
    expect((await login({ email: staff.email, password: staff.password })).status).toBe(200);
  });

  it("wrong codes count against the same sign-in limits (429 after the free tries)", async () => {
    const s = await loginAs("editor");
    await enable(s);
    const creds = { email: s.staff.email, password: "richtig-langes-passwort", totp: "999999" };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(creds, "198.51.100.99")).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it("a recovery code works instead of the code, exactly once", async () => {
    const s = await loginAs("editor");
    const { recoveryCodes } = await enable(s);
    const creds = { email: s.staff.email, password: "richtig-langes-passwort" };
    const first = recoveryCodes[0]!;
    expect((await login({ ...creds, totp: first.toLowerCase() })).status).toBe(200);
    const again = await login({ ...creds, totp: first });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: "invalid_totp" } });
    expect((await login({ ...creds, totp: recoveryCodes[1]! })).status).toBe(200);
    const state = await (await api("/api/auth/totp", { as: s })).json();
    expect(state).toEqual({ enabled: true, recoveryCodesLeft: 8 });
  });

  it("disable needs the password and a code; setup twice is refused while enabled", async () => {
    const s = await loginAs("editor");
    const { secret } = await enable(s);
    expect((await api("/api/auth/totp/setup", { as: s, method: "POST", body: {} })).status).toBe(409);
    const noPw = await api("/api/auth/totp/disable", { as: s, body: { password: "falsch", code: nextCode(secret) } });
    expect(noPw.status).toBe(403);
    const ok = await api("/api/auth/totp/disable", { as: s, body: { password: "richtig-langes-passwort", code: nextCode(secret) } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect((await login({ email: s.staff.email, password: "richtig-langes-passwort" })).status).toBe(200);
  });

  it("an admin can reset a lost second factor", async () => {
    const s = await loginAs("editor");
    await enable(s);
    const admin = await loginAs("admin");
    expect((await api(`/api/staff/${s.staff.id}/totp/reset`, { as: s, method: "POST", body: {} })).status).toBe(403);
    expect((await api(`/api/staff/${s.staff.id}/totp/reset`, { as: admin, method: "POST", body: {} })).status).toBe(200);
    expect((await login({ email: s.staff.email, password: "richtig-langes-passwort" })).status).toBe(200);
  });
});

describe("required for roles that can send broadcasts", () => {
  it("editors without it are told to set it up and their editor actions are refused; agents are not affected", async () => {
    const admin = await loginAs("admin");
    await enable(admin);
    const put = await api("/api/settings/trust", {
      as: admin,
      method: "PUT",
      body: { fourEyes: { enabled: false, alertThreshold: 0, newsletterThreshold: 500 }, requireTotp: true, auditRetentionDays: 730 },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const editorStaff = await createStaff({ role: "editor" });
    const res = await login({ email: editorStaff.email, password: editorStaff.password });
    expect(await res.json()).toMatchObject({ totpSetupRequired: true });
    const editor = await loginWith(editorStaff.email, editorStaff.password);
    const denied = await api("/api/broadcasts", { as: editor, body: { title: "x", kind: "newsletter", text: "y", channelIds: [] } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: "totp_setup_required", message: expect.stringMatching(/Zwei-Faktor/) } });
    // Reading still works, and so does setting it up.
    expect((await api("/api/broadcasts", { as: editor })).status).toBe(200);
    await enable(editor);
    const me = await (await api("/api/me", { as: editor })).json();
    expect(me).toMatchObject({ totpSetupRequired: false, staff: { totpEnabled: true } });
    const agent = await loginAs("agent");
    expect(await (await api("/api/me", { as: agent })).json()).toMatchObject({ totpSetupRequired: false });
  });
});
