// Passkeys (WebAuthn, docs/trust.md) with @simplewebauthn/server, which runs on WebCrypto in workerd.
// A passkey is bound to the site (rpID = the staff app's host name, origin = its address), needs the
// person's fingerprint, face or PIN on the device (user verification required), and so counts as two
// factors. Sign-in is "usernameless": the browser offers the passkeys it holds for this site; the
// credential id names the person. Every sign-in attempt goes through the same limits as a password.
import { and, eq, sql } from "drizzle-orm";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import type { Db } from "../db/client";
import { staff, staffPasskeys } from "../db/schema";
import { Conflict, InvalidInput, notFound, Unauthenticated } from "../shared/errors";
import { admitLoginAttempt, recordLoginSuccess } from "./login-limits";
import { storeChallenge, takeChallenge } from "./passkey-challenges";
import { createSession, deleteExpiredSessions, type NewSession } from "./sessions";
import { tooManyAttempts, toStaffView, type StaffView } from "./staff";

/** Who the passkeys belong to: the staff app's site. */
export interface RelyingParty {
  /** Host name without port ("rathaus.example.at", "localhost"). */
  id: string;
  /** Scheme, host and port ("https://rathaus.example.at"). */
  origin: string;
  /** Shown by some devices when saving the passkey. */
  name: string;
}

export const MAX_PASSKEYS = 20;

const userIdOf = (staffId: string) => new TextEncoder().encode(staffId);

export async function registrationOptions(db: Db, rp: RelyingParty, staffId: string, now = Date.now()): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const me = await db.select({ id: staff.id, email: staff.email, name: staff.name }).from(staff).where(eq(staff.id, staffId)).get();
  if (!me) throw notFound("Diese Person gibt es im Team nicht (mehr). Bitte die Seite neu laden.");
  const existing = await db.select({ id: staffPasskeys.id, transports: staffPasskeys.transports }).from(staffPasskeys).where(eq(staffPasskeys.staffId, staffId)).all();
  if (existing.length >= MAX_PASSKEYS) throw new Conflict("too_many_passkeys", `Es sind schon ${MAX_PASSKEYS} Passkeys gespeichert. Bitte zuerst einen alten löschen.`);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: me.email,
    userDisplayName: me.name,
    userID: userIdOf(me.id),
    attestationType: "none",
    // The same device twice would only confuse the list.
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: (p.transports ?? []) as AuthenticatorTransport[] })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  await storeChallenge(db, options.challenge, "register", staffId, now);
  return options;
}

const invalidRegistration = () =>
  new InvalidInput("passkey_invalid", "Der Passkey konnte nicht gespeichert werden. Bitte noch einmal „Passkey hinzufügen“ wählen.");

export interface PasskeyView {
  id: string;
  name: string;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

const toView = (row: typeof staffPasskeys.$inferSelect): PasskeyView => ({
  id: row.id,
  name: row.name,
  transports: row.transports ?? [],
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
});

/** Checks the device's answer to the registration challenge and stores the passkey's public key. */
export async function verifyRegistration(
  db: Db,
  rp: RelyingParty,
  staffId: string,
  input: { name: string; response: RegistrationResponseJSON },
  now = Date.now(),
): Promise<PasskeyView> {
  const challenge = await takeChallenge(db, input.response.response.clientDataJSON, "register", staffId, now);
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!result.verified) throw invalidRegistration();
    info = result.registrationInfo;
  } catch (err) {
    if (err instanceof InvalidInput) throw err;
    throw invalidRegistration();
  }
  const row = await db
    .insert(staffPasskeys)
    .values({
      id: info.credential.id,
      staffId,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? input.response.response.transports ?? [],
      name: input.name,
      createdAt: now,
    })
    .onConflictDoNothing({ target: staffPasskeys.id })
    .returning()
    .get();
  if (!row) throw new Conflict("passkey_exists", "Dieser Passkey ist schon gespeichert.");
  return toView(row);
}

export async function authenticationOptions(db: Db, rp: RelyingParty, now = Date.now()): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // No allowCredentials: the browser offers every passkey it holds for this site.
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "required" });
  await storeChallenge(db, options.challenge, "login", null, now);
  return options;
}

export const unknownPasskey = () =>
  new Unauthenticated("unknown_passkey", "Diesen Passkey kennen wir nicht (mehr). Bitte mit E-Mail-Adresse und Passwort anmelden und den Passkey neu hinzufügen.");
const passkeyRefused = () =>
  new Unauthenticated("passkey_invalid", "Die Anmeldung mit dem Passkey hat nicht geklappt. Bitte noch einmal versuchen oder mit Passwort anmelden.");
const counterRegression = () =>
  new Unauthenticated(
    "passkey_counter",
    "Dieser Passkey wurde möglicherweise kopiert und ist deshalb gesperrt. Bitte mit Passwort anmelden und die IT bzw. eine Administratorin oder einen Administrator informieren.",
  );

/** The e-mail under which an attempt with an unknown passkey is limited (one bucket per address). */
const UNKNOWN_PASSKEY_KEY = "(unbekannter passkey)";

export interface PasskeyLoginInput {
  response: AuthenticationResponseJSON;
  ip: string;
  /** Told who the passkey belongs to, before the checks (the audit trail names them on failure too). */
  onIdentified?: (email: string) => void;
}

/**
 * Signs in with a passkey: admitted and counted by the sign-in limits first (like a password), then
 * the challenge is used up, the signature checked against the stored public key, and the signature
 * counter must grow (a counter that goes back means a cloned authenticator: refused). The user handle,
 * when the device sends one, must name the passkey's owner.
 */
export async function passkeyLogin(
  db: Db,
  rp: RelyingParty,
  cfg: { SESSION_TTL_HOURS: number },
  input: PasskeyLoginInput,
  now = Date.now(),
): Promise<{ staff: StaffView; session: NewSession }> {
  const credentialId = input.response.id;
  const row = await db
    .select({ passkey: staffPasskeys, owner: staff })
    .from(staffPasskeys)
    .innerJoin(staff, eq(staff.id, staffPasskeys.staffId))
    .where(eq(staffPasskeys.id, credentialId))
    .get();
  const email = row?.owner.email ?? UNKNOWN_PASSKEY_KEY;
  if (row) input.onIdentified?.(row.owner.email);
  const gate = await admitLoginAttempt(db, email, input.ip, now);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterSeconds);

  // Used up whatever follows: the same answer never works twice.
  const challenge = await takeChallenge(db, input.response.response.clientDataJSON, "login", null, now);
  if (!row || row.owner.disabled) throw unknownPasskey();
  const { passkey, owner } = row;
  const handle = input.response.response.userHandle;
  if (handle !== undefined && handle !== isoBase64URL.fromBuffer(userIdOf(owner.id))) throw passkeyRefused();

  let newCounter: number;
  try {
    const signedCounter = parseAuthenticatorData(isoBase64URL.toBuffer(input.response.response.authenticatorData)).counter;
    if ((signedCounter > 0 || passkey.counter > 0) && signedCounter <= passkey.counter) throw counterRegression();
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.id, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter, transports: (passkey.transports ?? []) as AuthenticatorTransport[] },
      requireUserVerification: true,
    });
    if (!result.verified) throw passkeyRefused();
    newCounter = result.authenticationInfo.newCounter;
  } catch (err) {
    if (err instanceof Unauthenticated) throw err;
    throw passkeyRefused();
  }
  // The counter moves only forward, also against a parallel sign-in with the same counter value.
  const moved = await db
    .update(staffPasskeys)
    .set({ counter: newCounter, lastUsedAt: now })
    .where(and(eq(staffPasskeys.id, passkey.id), sql`(${staffPasskeys.counter} < ${newCounter} OR (${staffPasskeys.counter} = 0 AND ${newCounter} = 0))`))
    .returning({ id: staffPasskeys.id })
    .get();
  if (!moved) throw counterRegression();

  await recordLoginSuccess(db, email, input.ip, gate, now);
  await deleteExpiredSessions(db, now);
  const session = await createSession(db, owner.id, cfg.SESSION_TTL_HOURS, now, { viaPasskey: true });
  return { staff: toStaffView(owner), session };
}
