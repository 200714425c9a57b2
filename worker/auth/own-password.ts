// A signed-in staff member changes their own password. The current password is checked through the
// same sign-in limits as a login (worker/auth/login-limits.ts), so a stolen session cannot be used to
// guess it faster than the sign-in form allows.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { staff } from "../db/schema";
import { Forbidden, unauthorized } from "../shared/errors";
import { admitLoginAttempt, recordLoginSuccess } from "./login-limits";
import { hashPassword, verifyPassword } from "./passwords";
import { deleteSessionsOf } from "./sessions";
import { passwordSchema, tooManyAttempts } from "./staff";

export const ownPasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema })
  .strict()
  .refine((v) => v.currentPassword !== v.newPassword, {
    message: "Das neue Passwort muss sich vom aktuellen unterscheiden",
    path: ["newPassword"],
  });
export type OwnPasswordChange = z.infer<typeof ownPasswordSchema>;

export interface OwnPasswordDeps {
  db: Db;
  /** Closes the websockets of one ended session. */
  disconnectSession: (tokenHash: string) => Promise<unknown>;
}

/**
 * Checks the current password (counted like a sign-in from this address), sets the new one, and
 * ends every other session of this person with its websockets; the session `tokenHash` stays.
 */
export async function changeOwnPassword(
  deps: OwnPasswordDeps,
  actor: { staffId: string; tokenHash: string; ip: string },
  input: OwnPasswordChange,
  now = Date.now(),
): Promise<{ endedSessions: number }> {
  const { db } = deps;
  const row = await db.select().from(staff).where(eq(staff.id, actor.staffId)).get();
  if (!row || row.disabled) throw unauthorized();
  // Decided and counted before the slow check, exactly like a sign-in (a parallel burst gets no further).
  const gate = await admitLoginAttempt(db, row.email, actor.ip, now);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterSeconds);
  const ok = await verifyPassword(input.currentPassword, {
    hash: row.passwordHash,
    salt: row.passwordSalt,
    iterations: row.passwordIterations,
  });
  if (!ok) throw new Forbidden("wrong_password", "Das aktuelle Passwort ist falsch. Bitte noch einmal eingeben.");
  await recordLoginSuccess(db, row.email, actor.ip, gate, now);

  const pw = await hashPassword(input.newPassword);
  await db
    .update(staff)
    .set({ passwordHash: pw.hash, passwordSalt: pw.salt, passwordIterations: pw.iterations, updatedAt: now })
    .where(eq(staff.id, row.id))
    .run();
  const ended = await deleteSessionsOf(db, row.id, actor.tokenHash);
  await Promise.all(ended.map((hash) => deps.disconnectSession(hash)));
  return { endedSessions: ended.length };
}
