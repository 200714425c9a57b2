// A staff member's own passkeys: list, rename, remove. Removing one needs a recent sign-in (the last
// RECENT_SIGN_IN_MS) or the password, checked through the sign-in limits, so a session left open on
// a shared computer cannot quietly take away someone's passkey. An admin can remove all of a person's
// passkeys (a lost laptop); the person then signs in with the password.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { staff, staffPasskeys } from "../db/schema";
import { Forbidden, notFound, unauthorized } from "../shared/errors";
import { admitLoginAttempt, recordLoginSuccess } from "./login-limits";
import type { PasskeyView } from "./passkeys";
import { verifyPassword } from "./passwords";
import { tooManyAttempts } from "./staff";

export const RECENT_SIGN_IN_MS = 10 * 60_000;

const passkeyGone = () => notFound("Diesen Passkey gibt es nicht (mehr). Bitte die Liste neu laden.");

export async function listPasskeys(db: Db, staffId: string): Promise<PasskeyView[]> {
  const rows = await db.select().from(staffPasskeys).where(eq(staffPasskeys.staffId, staffId)).orderBy(desc(staffPasskeys.createdAt)).all();
  return rows.map((r) => ({ id: r.id, name: r.name, transports: r.transports ?? [], createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
}

/** Someone else's passkey is answered like a missing one: nothing about other accounts leaks. */
export async function renamePasskey(db: Db, staffId: string, id: string, name: string): Promise<void> {
  const row = await db
    .update(staffPasskeys)
    .set({ name })
    .where(and(eq(staffPasskeys.id, id), eq(staffPasskeys.staffId, staffId)))
    .returning({ id: staffPasskeys.id })
    .get();
  if (!row) throw passkeyGone();
}

export async function removeOwnPasskey(
  db: Db,
  actor: { staffId: string; sessionStartedAt: number; ip: string },
  id: string,
  password: string | undefined,
  now = Date.now(),
): Promise<void> {
  const mine = await db.select({ id: staffPasskeys.id }).from(staffPasskeys).where(and(eq(staffPasskeys.id, id), eq(staffPasskeys.staffId, actor.staffId))).get();
  if (!mine) throw passkeyGone();
  if (now - actor.sessionStartedAt > RECENT_SIGN_IN_MS) {
    if (!password) throw new Forbidden("reauth_required", "Bitte zur Sicherheit Ihr Passwort eingeben, um den Passkey zu löschen.");
    const me = await db.select().from(staff).where(eq(staff.id, actor.staffId)).get();
    if (!me || me.disabled) throw unauthorized();
    const gate = await admitLoginAttempt(db, me.email, actor.ip, now);
    if (!gate.allowed) throw tooManyAttempts(gate.retryAfterSeconds);
    const ok = await verifyPassword(password, { hash: me.passwordHash, salt: me.passwordSalt, iterations: me.passwordIterations });
    if (!ok) throw new Forbidden("wrong_password", "Das Passwort ist falsch. Bitte noch einmal eingeben.");
    await recordLoginSuccess(db, me.email, actor.ip, gate, now);
  }
  await db.delete(staffPasskeys).where(and(eq(staffPasskeys.id, id), eq(staffPasskeys.staffId, actor.staffId))).run();
}

/** An admin removes every passkey of a staff member (lost or stolen device). */
export async function removeAllPasskeys(db: Db, staffId: string): Promise<{ removed: number }> {
  const target = await db.select({ id: staff.id }).from(staff).where(eq(staff.id, staffId)).get();
  if (!target) throw notFound("Diese Person gibt es im Team nicht (mehr). Bitte die Liste neu laden.");
  const res = await db.delete(staffPasskeys).where(eq(staffPasskeys.staffId, staffId)).run();
  return { removed: res.meta.changes };
}
