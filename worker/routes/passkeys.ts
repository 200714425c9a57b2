// Passkeys (docs/trust.md): register one while signed in, sign in with one (no password), list,
// rename and remove one's own; an admin removes all of a person's passkeys. The relying party is the
// site the request came to (its Origin was already checked by apiGuard to be this very site).
import { Hono, type Context } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from "@simplewebauthn/server";
import { getAuthConfig } from "../auth/config";
import { requireRole, requireStaff, type AuthedEnv } from "../auth/middleware";
import { listPasskeys, removeAllPasskeys, removeOwnPasskey, renamePasskey } from "../auth/passkey-manage";
import { authenticationOptions, passkeyLogin, registrationOptions, verifyRegistration, type RelyingParty } from "../auth/passkeys";
import { SESSION_COOKIE } from "../auth/sessions";
import { getDb } from "../db/client";
import { valid } from "./validate";

const TRANSPORTS = ["ble", "hybrid", "internal", "nfc", "usb"] as const satisfies readonly AuthenticatorTransport[];
const b64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, { error: "Die Antwort des Geräts ist beschädigt. Bitte noch einmal versuchen." });
// Unknown transports of newer browsers are dropped, not refused.
const transports = z
  .array(z.string().max(20))
  .max(10)
  .optional()
  .transform((list) => list?.filter((t): t is AuthenticatorTransport => (TRANSPORTS as readonly string[]).includes(t)));
const credentialBase = {
  id: b64url(1400).min(1),
  rawId: b64url(1400).min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  // Extensions are not used; whatever the browser reports is not passed on.
  clientExtensionResults: z.record(z.string(), z.unknown()).transform(() => ({})),
};

const registrationResponse = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url(4000),
    attestationObject: b64url(20_000),
    authenticatorData: b64url(20_000).optional(),
    transports,
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4000).optional(),
  }),
}) satisfies z.ZodType<RegistrationResponseJSON, unknown>;

const authenticationResponse = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url(4000),
    authenticatorData: b64url(4000),
    signature: b64url(2000),
    userHandle: b64url(200).optional(),
  }),
}) satisfies z.ZodType<AuthenticationResponseJSON, unknown>;

const passkeyName = z
  .string({ error: "Bitte einen Namen für den Passkey eingeben, z. B. „Laptop Büro“." })
  .trim()
  .min(1, { error: "Bitte einen Namen für den Passkey eingeben, z. B. „Laptop Büro“." })
  .max(60, { error: "Der Name ist zu lang: höchstens 60 Zeichen." });

const relyingParty = (c: Context<AuthedEnv>): RelyingParty => {
  const url = new URL(c.req.url);
  return { id: url.hostname, origin: url.origin, name: c.env.TOWN_NAME?.trim() || "townwire" };
};
const ipOf = (c: Context<AuthedEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

export const passkeyRoutes = new Hono<AuthedEnv>()
  .get("/auth/passkeys", requireStaff, async (c) => c.json({ passkeys: await listPasskeys(getDb(c.env.DB), c.var.staff.id) }))
  .post("/auth/passkeys/register/options", requireStaff, async (c) => c.json(await registrationOptions(getDb(c.env.DB), relyingParty(c), c.var.staff.id)))
  .post("/auth/passkeys/register/verify", requireStaff, valid("json", z.object({ name: passkeyName, response: registrationResponse })), async (c) => {
    const passkey = await verifyRegistration(getDb(c.env.DB), relyingParty(c), c.var.staff.id, c.req.valid("json"));
    return c.json({ passkey }, 201);
  })
  .patch("/auth/passkeys/:id", requireStaff, valid("json", z.strictObject({ name: passkeyName })), async (c) => {
    await renamePasskey(getDb(c.env.DB), c.var.staff.id, c.req.param("id"), c.req.valid("json").name);
    return c.json({ ok: true });
  })
  // The password is needed only when the sign-in is not recent (403 reauth_required tells the app to ask).
  .delete("/auth/passkeys/:id", requireStaff, valid("json", z.strictObject({ password: z.string().max(200).optional() })), async (c) => {
    const actor = { staffId: c.var.staff.id, sessionStartedAt: c.var.sessionStartedAt, ip: ipOf(c) };
    await removeOwnPasskey(getDb(c.env.DB), actor, c.req.param("id"), c.req.valid("json").password || undefined);
    return c.json({ ok: true });
  })
  .post("/auth/passkeys/login/options", async (c) => c.json(await authenticationOptions(getDb(c.env.DB), relyingParty(c))))
  .post("/auth/passkeys/login/verify", valid("json", z.object({ response: authenticationResponse })), async (c) => {
    const { staff, session } = await passkeyLogin(getDb(c.env.DB), relyingParty(c), getAuthConfig(c.env), {
      response: c.req.valid("json").response,
      ip: ipOf(c),
      onIdentified: (email) => c.set("loginEmail", email),
    });
    setCookie(c, SESSION_COOKIE, session.token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", expires: new Date(session.expiresAt) });
    // A passkey is two factors: the town's two-factor rule is met by this session.
    return c.json({ staff, totpSetupRequired: false });
  })
  .post("/staff/:id/passkeys/reset", requireRole("admin"), async (c) => c.json(await removeAllPasskeys(getDb(c.env.DB), c.req.param("id"))));
