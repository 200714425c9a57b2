// Two-factor sign-in with TOTP (RFC 6238, the `otpauth` library: SHA-1, 6 digits, 30 s, the format
// every authenticator app reads) and ten one-time recovery codes, of which only SHA-256 is stored.
// A code is accepted once: the last used time step is kept, and a code of the same or an older step
// is refused (replay). Wrong codes at sign-in count against the sign-in limits (login-limits.ts),
// because login() admits and counts the attempt before any check.
import { and, eq, isNull, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { batchSql, type Db } from "../db/client";
import { staff, staffRecoveryCodes } from "../db/schema";
import { AppError, notFound } from "../shared/errors";
import { sha256Hex } from "./sessions";

export const TOTP_PERIOD_S = 30;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "townwire";

const totpFor = (secret: string, label: string) =>
  new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromBase32(secret) });

/** The time step of a code that matched (one step of clock drift either way), or null. */
export function matchingStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, "x").validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
}

/** A code an authenticator would show now (tests and the simulator). */
export const currentCode = (secret: string, now = Date.now()) => totpFor(secret, "x").generate({ timestamp: now });

export const totpRequired = () =>
  new AppError(401, "totp_required", "Bitte den 6-stelligen Code aus Ihrer Authenticator-App eingeben (oder einen Wiederherstellungscode).");
export const invalidTotp = (status: 400 | 401 = 401) =>
  new AppError(status, "invalid_totp", "Der Code stimmt nicht oder wurde schon verwendet. Bitte den aktuellen Code aus der App eingeben.");

/** Recovery codes as shown: 10 characters in two groups, without look-alikes (0/O, 1/I/L). */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecovery = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, "");
const hashRecovery = (code: string) => sha256Hex(`recovery:${normalizeRecovery(code)}`);

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

/** Step 1: a new secret, kept as pending until a code from the app proves it was scanned. */
export async function setupTotp(db: Db, staffId: string): Promise<TotpSetup> {
  const row = await db.select({ email: staff.email, secret: staff.totpSecret }).from(staff).where(eq(staff.id, staffId)).get();
  if (!row) throw notFound("Mitarbeiter:in nicht gefunden");
  if (row.secret) throw new AppError(409, "totp_enabled", "Die Zwei-Faktor-Anmeldung ist schon eingerichtet. Zum Neu-Einrichten bitte zuerst ausschalten.");
  const secret = new Secret({ size: 20 }).base32;
  await db.update(staff).set({ totpPendingSecret: secret }).where(eq(staff.id, staffId)).run();
  return { secret, otpauthUrl: totpFor(secret, row.email).toString() };
}

/** Step 2: a correct code turns it on; the recovery codes are returned this one time only. */
export async function enableTotp(db: Db, staffId: string, code: string, now = Date.now()): Promise<{ recoveryCodes: string[] }> {
  const row = await db.select({ pending: staff.totpPendingSecret, secret: staff.totpSecret }).from(staff).where(eq(staff.id, staffId)).get();
  if (!row) throw notFound("Mitarbeiter:in nicht gefunden");
  if (row.secret) throw new AppError(409, "totp_enabled", "Die Zwei-Faktor-Anmeldung ist schon eingerichtet.");
  if (!row.pending) throw new AppError(409, "totp_not_set_up", "Bitte zuerst „Einrichten“ wählen und den QR-Code scannen.");
  const step = matchingStep(row.pending, code.trim(), now);
  if (step === null) throw invalidTotp(400);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map(hashRecovery));
  const results = await batchSql(db, [
    sql`UPDATE staff SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_counter = ${step}, updated_at = ${now}
        WHERE id = ${staffId} AND totp_secret IS NULL AND totp_pending_secret = ${row.pending}`,
    sql`DELETE FROM staff_recovery_codes WHERE staff_id = ${staffId}`,
    ...hashes.map(
      (h) => sql`INSERT INTO staff_recovery_codes (staff_id, code_hash) SELECT ${staffId}, ${h}
        WHERE EXISTS (SELECT 1 FROM staff WHERE id = ${staffId} AND totp_secret = ${row.pending})`,
    ),
  ]);
  if ((results[0]?.meta.changes ?? 0) === 0) throw new AppError(409, "totp_enabled", "Die Zwei-Faktor-Anmeldung wurde inzwischen anders eingerichtet. Bitte die Seite neu laden.");
  return { recoveryCodes: codes };
}

/**
 * Checks the second factor of a sign-in (or of switching it off): a TOTP code of a step newer than
 * the last one used, or an unused recovery code (used up in the same statement that accepts it).
 */
export async function verifySecondFactor(db: Db, staffId: string, secret: string, input: string | undefined, now = Date.now()): Promise<"totp" | "recovery"> {
  const code = (input ?? "").trim();
  if (!code) throw totpRequired();
  const step = matchingStep(secret, code.replace(/\s/g, ""), now);
  if (step !== null) {
    const taken = await db.get<{ id: string }>(sql`
      UPDATE staff SET totp_last_counter = ${step}
      WHERE id = ${staffId} AND (totp_last_counter IS NULL OR totp_last_counter < ${step}) RETURNING id`);
    if (!taken) throw invalidTotp();
    return "totp";
  }
  const used = await db
    .update(staffRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(staffRecoveryCodes.staffId, staffId), eq(staffRecoveryCodes.codeHash, await hashRecovery(code)), isNull(staffRecoveryCodes.usedAt)))
    .returning({ staffId: staffRecoveryCodes.staffId })
    .get();
  if (!used) throw invalidTotp();
  return "recovery";
}

/** Turns two-factor sign-in off (own, after password and code; or an admin's reset for a lost phone). */
export async function removeTotp(db: Db, staffId: string, now = Date.now()): Promise<void> {
  await batchSql(db, [
    sql`UPDATE staff SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_counter = NULL, updated_at = ${now} WHERE id = ${staffId}`,
    sql`DELETE FROM staff_recovery_codes WHERE staff_id = ${staffId}`,
  ]);
}

export async function unusedRecoveryCodes(db: Db, staffId: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM staff_recovery_codes WHERE staff_id = ${staffId} AND used_at IS NULL`);
  return row?.n ?? 0;
}
