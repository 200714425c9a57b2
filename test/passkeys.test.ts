// Passkeys (docs/trust.md): registering and signing in with a software authenticator (P-256 via
// WebCrypto, attestation "none"), and everything that must be refused: another origin or rpId, a
// replayed or expired challenge, a counter that goes back, someone else's passkey, an unknown one.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { api, BASE_URL, createStaff, loginAs, loginWith, ORIGIN, type Session } from "./helpers/auth";
import { count } from "./helpers/db";
import { SoftAuthenticator } from "./helpers/webauthn";

const IP = "198.51.100.77";

async function register(as: Session, name = "Laptop Büro"): Promise<SoftAuthenticator> {
  const auth = await SoftAuthenticator.create(ORIGIN);
  const optRes = await api("/api/auth/passkeys/register/options", { as, body: {} });
  expect(optRes.status, await optRes.clone().text()).toBe(200);
  const options = await optRes.json<PublicKeyCredentialCreationOptionsJSON>();
  expect(options.rp.id).toBe(new URL(BASE_URL).hostname);
  expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
  const res = await api("/api/auth/passkeys/register/verify", { as, body: { name, response: await auth.register(options) } });
  expect(res.status, await res.clone().text()).toBe(201);
  return auth;
}

async function loginOptions(ip = IP): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const res = await exports.default.fetch(
    new Request(`${BASE_URL}/api/auth/passkeys/login/options`, { method: "POST", headers: { origin: ORIGIN, "cf-connecting-ip": ip } }),
  );
  expect(res.status).toBe(200);
  return res.json();
}

function loginVerify(response: unknown, ip = IP): Promise<Response> {
  return exports.default.fetch(
    new Request(`${BASE_URL}/api/auth/passkeys/login/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": ip },
      body: JSON.stringify({ response }),
    }),
  );
}

async function sessionOf(res: Response): Promise<Session> {
  const token = /tw_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!token) throw new Error("no session cookie");
  const { staff } = await res.json<{ staff: Session["staff"] }>();
  const cookie = `tw_session=${token}`;
  return { cookie, token, staff, headers: { cookie, origin: ORIGIN } };
}

const lastAudit = (action: string) =>
  env.DB.prepare("SELECT actor_id, actor_name, action, target_id, detail, ip FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1")
    .bind(action)
    .first<{ actor_id: string | null; actor_name: string | null; target_id: string | null; detail: string; ip: string | null }>();

describe("passkeys: register and sign in", () => {
  it("registers a passkey with a name, signs in without password, and writes audit rows", async () => {
    const me = await loginAs("editor");
    const auth = await register(me);
    const list = await (await api("/api/auth/passkeys", { as: me })).json<{ passkeys: { id: string; name: string; transports: string[]; lastUsedAt: number | null }[] }>();
    expect(list.passkeys).toEqual([expect.objectContaining({ id: auth.credentialId, name: "Laptop Büro", transports: ["internal"], lastUsedAt: null })]);
    expect(await lastAudit("auth.passkey_added")).toMatchObject({ actor_id: me.staff.id, target_id: auth.credentialId });

    const res = await loginVerify(await auth.authenticate(await loginOptions()));
    expect(res.status, await res.clone().text()).toBe(200);
    const s = await sessionOf(res);
    expect(s.staff.id).toBe(me.staff.id);
    expect((await api("/api/me", { as: s })).status).toBe(200);
    const row = await lastAudit("auth.login");
    expect(row).toMatchObject({ actor_id: me.staff.id, ip: IP });
    expect(JSON.parse(row?.detail ?? "{}")).toEqual({ method: "passkey" });
    const after = await (await api("/api/auth/passkeys", { as: me })).json<{ passkeys: { lastUsedAt: number | null }[] }>();
    expect(after.passkeys[0]?.lastUsedAt).toEqual(expect.any(Number));
  });

  it("a passkey sign-in meets the town's two-factor rule; a password-only sign-in of the same person does not", async () => {
    const editorStaff = await createStaff({ role: "editor" });
    const byPassword = await loginWith(editorStaff.email, editorStaff.password);
    const auth = await register(byPassword);
    // The town requires two-factor sign-in (what Sicherheit → „… verlangen“ stores).
    await env.DB.prepare("INSERT INTO settings (key, value) VALUES ('trust.require_totp', '1') ON CONFLICT (key) DO UPDATE SET value = '1'").run();
    try {
      expect(await (await api("/api/me", { as: byPassword })).json()).toMatchObject({ totpSetupRequired: true });
      const denied = await api("/api/broadcasts", { as: byPassword, body: { title: "x", kind: "newsletter", text: "y", channelIds: [] } });
      expect(denied.status).toBe(403);
      const res = await loginVerify(await auth.authenticate(await loginOptions()));
      expect(res.status).toBe(200);
      expect(await res.clone().json()).toMatchObject({ totpSetupRequired: false });
      const viaPasskey = await sessionOf(res);
      expect(await (await api("/api/me", { as: viaPasskey })).json()).toMatchObject({ totpSetupRequired: false });
      const allowed = await api("/api/broadcasts", { as: viaPasskey, body: { title: "x", kind: "newsletter", text: "y", channelIds: [] } });
      expect(allowed.status).not.toBe(403);
    } finally {
      await env.DB.prepare("DELETE FROM settings WHERE key = 'trust.require_totp'").run();
    }
  });
});

describe("passkeys: refused", () => {
  it("another origin or another rpId, at registration and at sign-in", async () => {
    const me = await loginAs("agent");
    const evil = await SoftAuthenticator.create("https://evil.example");
    const opts = await (await api("/api/auth/passkeys/register/options", { as: me, body: {} })).json<PublicKeyCredentialCreationOptionsJSON>();
    const bad = await api("/api/auth/passkeys/register/verify", { as: me, body: { name: "X", response: await evil.register(opts) } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "passkey_invalid", message: expect.stringMatching(/Passkey/) } });
    const opts2 = await (await api("/api/auth/passkeys/register/options", { as: me, body: {} })).json<PublicKeyCredentialCreationOptionsJSON>();
    const other = await SoftAuthenticator.create(ORIGIN);
    const badRp = await api("/api/auth/passkeys/register/verify", { as: me, body: { name: "X", response: await other.register(opts2, { rpId: "evil.example" }) } });
    expect(badRp.status).toBe(400);
    expect(await count("staff_passkeys", `staff_id = '${me.staff.id}'`)).toBe(0);

    const auth = await register(me);
    const wrongOrigin = await loginVerify(await auth.authenticate(await loginOptions(), { origin: "https://evil.example" }));
    expect(wrongOrigin.status).toBe(401);
    expect(await wrongOrigin.json()).toMatchObject({ error: { code: "passkey_invalid" } });
    const wrongRp = await loginVerify(await auth.authenticate(await loginOptions(), { rpId: "evil.example" }));
    expect(wrongRp.status).toBe(401);
    const failed = await lastAudit("auth.login_failed");
    expect(failed).toMatchObject({ actor_id: me.staff.id });
    expect(JSON.parse(failed?.detail ?? "{}")).toEqual({ method: "passkey", reason: "passkey_invalid" });
  });

  it("a replayed answer and an expired challenge", async () => {
    const me = await loginAs("agent");
    const auth = await register(me);
    const answer = await auth.authenticate(await loginOptions());
    expect((await loginVerify(answer)).status).toBe(200);
    const replay = await loginVerify(answer);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "passkey_challenge_invalid", message: expect.stringMatching(/abgelaufen/) } });

    const late = await loginOptions();
    await env.DB.prepare("UPDATE webauthn_challenges SET expires_at = ? WHERE challenge = ?").bind(Date.now() - 1, late.challenge).run();
    const expired = await loginVerify(await auth.authenticate(late));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: "passkey_challenge_invalid" } });

    // A challenge handed out for a registration does not sign anyone in (and the reverse).
    const regOpts = await (await api("/api/auth/passkeys/register/options", { as: me, body: {} })).json<PublicKeyCredentialCreationOptionsJSON>();
    const crossed = await loginVerify(await auth.authenticate(await loginOptions(), { challenge: regOpts.challenge }));
    expect(crossed.status).toBe(401);
    expect(await crossed.json()).toMatchObject({ error: { code: "passkey_challenge_invalid" } });
  });

  it("a signature counter that does not grow (a cloned authenticator)", async () => {
    const me = await loginAs("agent");
    const auth = await SoftAuthenticator.create(ORIGIN);
    auth.startCounterAt(10);
    const opts = await (await api("/api/auth/passkeys/register/options", { as: me, body: {} })).json<PublicKeyCredentialCreationOptionsJSON>();
    expect((await api("/api/auth/passkeys/register/verify", { as: me, body: { name: "Schlüssel", response: await auth.register(opts) } })).status).toBe(201);
    expect((await loginVerify(await auth.authenticate(await loginOptions(), { counter: 12 }))).status).toBe(200);
    for (const counter of [12, 5]) {
      const res = await loginVerify(await auth.authenticate(await loginOptions(), { counter }));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "passkey_counter", message: expect.stringMatching(/kopiert/) } });
    }
    expect((await loginVerify(await auth.authenticate(await loginOptions(), { counter: 13 }))).status).toBe(200);
  });

  it("someone else's passkey: another user handle, renaming, removing, registering it again", async () => {
    const anna = await loginAs("agent");
    const ben = await loginAs("agent");
    const annas = await register(anna, "Annas Handy");
    const bens = await register(ben, "Bens Laptop");
    const benHandle = btoa(ben.staff.id).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const swapped = await loginVerify(await annas.authenticate(await loginOptions(), { userHandle: benHandle }));
    expect(swapped.status).toBe(401);
    const rename = await api(`/api/auth/passkeys/${bens.credentialId}`, { as: anna, method: "PATCH", body: { name: "Meins" } });
    expect(rename.status).toBe(404);
    const remove = await api(`/api/auth/passkeys/${bens.credentialId}`, { as: anna, method: "DELETE", body: {} });
    expect(remove.status).toBe(404);
    expect(await count("staff_passkeys", `staff_id = '${ben.staff.id}' AND name = 'Bens Laptop'`)).toBe(1);
    // The same authenticator registered by Anna too: refused, the stored key stays Ben's.
    const opts = await (await api("/api/auth/passkeys/register/options", { as: anna, body: {} })).json<PublicKeyCredentialCreationOptionsJSON>();
    const again = await api("/api/auth/passkeys/register/verify", { as: anna, body: { name: "X", response: await bens.register(opts) } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "passkey_exists" } });
  });

  it("an unknown passkey: 401 with a German sentence, recorded, and counted by the sign-in limits", async () => {
    const stranger = await SoftAuthenticator.create(ORIGIN);
    const ip = "198.51.100.99";
    const res = await loginVerify(await stranger.authenticate(await loginOptions(ip)), ip);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unknown_passkey", message: expect.stringMatching(/kennen wir nicht/) } });
    expect(await lastAudit("auth.login_failed")).toMatchObject({ actor_id: null, actor_name: "(unbekannter Passkey)", ip });
    // Five free tries per address, then a wait (like a wrong password).
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await loginVerify(await stranger.authenticate(await loginOptions(ip)), ip)).status;
    expect(last).toBe(429);
  });

  it("a malformed answer is a 400 with a German sentence", async () => {
    const res = await loginVerify({ id: "x", rawId: "x", type: "public-key", response: { clientDataJSON: "!!", authenticatorData: "", signature: "" }, clientExtensionResults: {} });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "bad_request", message: expect.stringMatching(/Gerät/) } });
  });
});

describe("passkeys: manage own", () => {
  it("renames; removes after a recent sign-in, later only with the password; an admin removes all", async () => {
    const me = await loginAs("agent");
    const a = await register(me, "Laptop Büro");
    const b = await register(me, "Handy");
    const renamed = await api(`/api/auth/passkeys/${a.credentialId}`, { as: me, method: "PATCH", body: { name: "  Laptop Zuhause " } });
    expect(renamed.status).toBe(200);
    expect(await lastAudit("auth.passkey_renamed")).toMatchObject({ target_id: a.credentialId });
    const empty = await api(`/api/auth/passkeys/${a.credentialId}`, { as: me, method: "PATCH", body: { name: " " } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { message: expect.stringMatching(/Namen/) } });

    expect((await api(`/api/auth/passkeys/${a.credentialId}`, { as: me, method: "DELETE" })).status).toBe(200);
    expect(await lastAudit("auth.passkey_removed")).toMatchObject({ target_id: a.credentialId, actor_id: me.staff.id });
    // The sign-in is an hour old now.
    await env.DB.prepare("UPDATE sessions SET created_at = ? WHERE staff_id = ?").bind(Date.now() - 3_600_000, me.staff.id).run();
    const noPw = await api(`/api/auth/passkeys/${b.credentialId}`, { as: me, method: "DELETE" });
    expect(noPw.status).toBe(403);
    expect(await noPw.json()).toMatchObject({ error: { code: "reauth_required", message: expect.stringMatching(/Passwort/) } });
    const wrongPw = await api(`/api/auth/passkeys/${b.credentialId}`, { as: me, method: "DELETE", body: { password: "falsch-falsch-falsch" } });
    expect(wrongPw.status).toBe(403);
    expect((await api(`/api/auth/passkeys/${b.credentialId}`, { as: me, method: "DELETE", body: { password: "richtig-langes-passwort" } })).status).toBe(200);
    expect(await count("staff_passkeys", `staff_id = '${me.staff.id}'`)).toBe(0);
    // A removed passkey no longer signs in.
    const gone = await loginVerify(await a.authenticate(await loginOptions()));
    expect(gone.status).toBe(401);
    expect(await gone.json()).toMatchObject({ error: { code: "unknown_passkey" } });

    await register(me, "Neu");
    const admin = await loginAs("admin");
    expect((await api(`/api/staff/${me.staff.id}/passkeys/reset`, { as: me, body: {} })).status).toBe(403);
    const reset = await api(`/api/staff/${me.staff.id}/passkeys/reset`, { as: admin, body: {} });
    expect(await reset.json()).toEqual({ removed: 1 });
    expect(await lastAudit("staff.passkeys_reset")).toMatchObject({ target_id: me.staff.id, actor_id: admin.staff.id });
  });
});

describe("passkeys: an admin removes a person's passkeys (Sicherheit)", () => {
  type Listed = { id: string; passkeys: number };
  const passkeysOf = async (admin: Session, id: string) =>
    (await (await api("/api/staff", { as: admin })).json<{ staff: Listed[] }>()).staff.find((s) => s.id === id)?.passkeys;

  it("the staff list counts each person's passkeys; the reset removes only theirs, twice is harmless", async () => {
    const admin = await loginAs("admin");
    const pia = await loginAs("editor");
    const other = await loginAs("agent");
    await register(pia, "Laptop");
    await register(pia, "Handy");
    await register(other, "Eigenes");
    expect(await passkeysOf(admin, pia.staff.id)).toBe(2);
    expect(await passkeysOf(admin, other.staff.id)).toBe(1);

    const reset = await api(`/api/staff/${pia.staff.id}/passkeys/reset`, { as: admin, body: {} });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ removed: 2 });
    expect(await lastAudit("staff.passkeys_reset")).toMatchObject({ target_id: pia.staff.id, actor_id: admin.staff.id, detail: JSON.stringify({ removed: 2 }) });
    expect(await passkeysOf(admin, pia.staff.id)).toBe(0);
    expect(await passkeysOf(admin, other.staff.id), "someone else's passkey stays").toBe(1);

    // Pressed again (a second admin, a double click): nothing left, no error.
    const again = await api(`/api/staff/${pia.staff.id}/passkeys/reset`, { as: admin, body: {} });
    expect(await again.json()).toEqual({ removed: 0 });
  });

  it("only admins: 403 for agents and editors (nothing removed, no audit row); 404 for an unknown person", async () => {
    const admin = await loginAs("admin");
    const target = await loginAs("agent");
    await register(target);
    const before = await count("audit_log", "action = 'staff.passkeys_reset'");
    for (const role of ["agent", "editor"] as const) {
      const res = await api(`/api/staff/${target.staff.id}/passkeys/reset`, { as: await loginAs(role), body: {} });
      expect(res.status, role).toBe(403);
      expect(await res.json()).toMatchObject({ error: { message: expect.any(String) } });
    }
    expect(await api("/api/staff", { as: target }).then((r) => r.status), "the list with the counts is for admins too").toBe(403);
    expect(await count("staff_passkeys", `staff_id = '${target.staff.id}'`)).toBe(1);
    expect(await count("audit_log", "action = 'staff.passkeys_reset'")).toBe(before);

    const unknown = await api("/api/staff/nobody-here/passkeys/reset", { as: admin, body: {} });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found", message: expect.stringMatching(/Team/) } });
  });
});
