// Switching one's own two-factor sign-in off needs the password and a current code (or a recovery
// code); the password is checked through the sign-in limits, like a password change.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { staff } from "../db/schema";
import { AppError, unauthorized } from "../shared/errors";
import { admitLoginAttempt, recordLoginSuccess } from "./login-limits";
import { verifyPassword } from "./passwords";
import { tooManyAttempts } from "./staff";
import { removeTotp, verifySecondFactor } from "./totp";

export async function disableOwnTotp(db: Db, actor: { staffId: string; ip: string }, input: { password: string; code: string }, now = Date.now()): Promise<void> {
  const row = await db.select().from(staff).where(eq(staff.id, actor.staffId)).get();
  if (!row || row.disabled) throw unauthorized();
  if (!row.totpSecret) throw new AppError(409, "totp_not_enabled", "Die Zwei-Faktor-Anmeldung ist nicht eingeschaltet.");
  const gate = await admitLoginAttempt(db, row.email, actor.ip, now);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterSeconds);
  const ok = await verifyPassword(input.password, { hash: row.passwordHash, salt: row.passwordSalt, iterations: row.passwordIterations });
  if (!ok) throw new AppError(403, "wrong_password", "Das Passwort ist falsch");
  await verifySecondFactor(db, row.id, row.totpSecret, input.code, now);
  await recordLoginSuccess(db, row.email, actor.ip, gate, now);
  await removeTotp(db, row.id, now);
}
