// Staff accounts: the first admin, sign-in, and management by admins.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { staff, staffPasskeys } from "../db/schema";
import { Unauthenticated, Conflict, Forbidden, RateLimited, notFound } from "../shared/errors";
import { newId } from "../shared/ids";
import { burnPasswordCheck, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./passwords";
import { admitLoginAttempt, recordLoginSuccess, unlockAccount } from "./login-limits";
import { ROLES, type Role, type StaffIdentity } from "./roles";
import { verifySecondFactor } from "./totp";
import { createSession, deleteExpiredSessions, deleteSessionsOf, type NewSession } from "./sessions";

/** What the API shows of a staff member (never the password hash). */
export interface StaffView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  phone: string | null;
  /** Two-factor sign-in is on (docs/trust.md). */
  totpEnabled: boolean;
  createdAt: number;
}

type StaffRow = typeof staff.$inferSelect;

export function toStaffView(row: StaffRow): StaffView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    phone: row.phone,
    totpEnabled: Boolean(row.totpSecret),
    createdAt: row.createdAt,
  };
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

// Input shapes shared by the routes (zod at the edge) and the domain.
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ message: "Ungültige E-Mail-Adresse" }));
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `Das Passwort braucht mindestens ${MIN_PASSWORD_LENGTH} Zeichen` })
  .max(200);
/** Own WhatsApp number (for test sends): digits with country code; "+", spaces, dashes are dropped. */
export const phoneSchema = z
  .string()
  .transform((s) => s.replace(/[\s\-/()+]/g, ""))
  .pipe(z.string().regex(/^[1-9]\d{7,14}$/, { message: "Telefonnummer mit Ländervorwahl, z. B. 43 664 1234567" }));
export const roleSchema = z.enum(ROLES);

export const newStaffSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  password: passwordSchema,
  phone: phoneSchema.nullish(),
});
export type NewStaff = z.infer<typeof newStaffSchema>;

export const staffPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: roleSchema,
    disabled: z.boolean(),
    password: passwordSchema,
    phone: phoneSchema.nullable(),
  })
  .partial()
  .strict();
export type StaffPatch = z.infer<typeof staffPatchSchema>;

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when there is no staff at all. */
export async function ensureFirstAdmin(db: Db, cfg: { ADMIN_EMAIL: string; ADMIN_PASSWORD: string }): Promise<boolean> {
  if (!cfg.ADMIN_EMAIL || !cfg.ADMIN_PASSWORD) return false;
  const any = await db.select({ id: staff.id }).from(staff).limit(1).get();
  if (any) return false;
  const pw = await hashPassword(cfg.ADMIN_PASSWORD);
  const now = Date.now();
  // Conditional insert: two first logins at once still create one admin.
  const res = await db.run(sql`INSERT INTO staff (id, email, name, role, password_hash, password_salt, password_iterations, disabled, created_at, updated_at)
    SELECT ${newId()}, ${normalizeEmail(cfg.ADMIN_EMAIL)}, ${"Administrator"}, 'admin', ${pw.hash}, ${pw.salt}, ${pw.iterations}, 0, ${now}, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM staff)`);
  return res.meta.changes > 0;
}

export interface LoginInput {
  email: string;
  password: string;
  /** TOTP code or recovery code, for accounts with two-factor sign-in. */
  totp?: string;
  ip: string;
}

export async function login(
  db: Db,
  cfg: { SESSION_TTL_HOURS: number },
  input: LoginInput,
  now = Date.now(),
): Promise<{ staff: StaffView; session: NewSession }> {
  const email = normalizeEmail(input.email);
  // Decided and counted before the (slow) password check; a success is taken back below.
  const gate = await admitLoginAttempt(db, email, input.ip, now);
  if (!gate.allowed) throw tooManyAttempts(gate.retryAfterSeconds);

  const row = await db.select().from(staff).where(eq(staff.email, email)).get();
  let ok = false;
  if (row) {
    ok = await verifyPassword(input.password, { hash: row.passwordHash, salt: row.passwordSalt, iterations: row.passwordIterations });
  } else {
    await burnPasswordCheck(input.password);
  }
  if (!row || !ok || row.disabled) {
    // One message for unknown, wrong and disabled: nothing about which accounts exist leaks.
    throw new Unauthenticated("invalid_credentials", "E-Mail-Adresse oder Passwort ist falsch. Bitte noch einmal eingeben.");
  }
  // The second factor: a missing or wrong code leaves this attempt counted as a failed sign-in.
  if (row.totpSecret) await verifySecondFactor(db, row.id, row.totpSecret, input.totp, now);
  await recordLoginSuccess(db, email, input.ip, gate, now);
  await deleteExpiredSessions(db);
  const session = await createSession(db, row.id, cfg.SESSION_TTL_HOURS);
  return { staff: toStaffView(row), session };
}

export function tooManyAttempts(retryAfterSeconds: number): RateLimited {
  const wait = retryAfterSeconds < 60 ? `${retryAfterSeconds} Sekunden` : `${Math.ceil(retryAfterSeconds / 60)} Minuten`;
  return new RateLimited("too_many_attempts", `Zu viele Anmeldeversuche. Bitte in ${wait} erneut versuchen.`, {
    retryAfterSeconds,
  });
}

/** An admin lifts every sign-in wait on a staff member's account (after an attack, or a forgetful morning). */
export async function unlockStaffLogin(db: Db, id: string): Promise<{ cleared: number }> {
  const row = await db.select({ email: staff.email }).from(staff).where(eq(staff.id, id)).get();
  if (!row) throw notFound("Diese Person gibt es im Team nicht (mehr). Bitte die Liste neu laden.");
  return { cleared: await unlockAccount(db, row.email) };
}

export async function getStaff(db: Db, id: string): Promise<StaffView> {
  const row = await db.select().from(staff).where(eq(staff.id, id)).get();
  if (!row) throw notFound("Diese Person gibt es im Team nicht (mehr). Bitte die Liste neu laden.");
  return toStaffView(row);
}

/** A staff member in the admins' list, with how many passkeys they have (the reset on "Sicherheit"). */
export interface StaffListEntry extends StaffView {
  passkeys: number;
}

export async function listStaff(db: Db): Promise<StaffListEntry[]> {
  const [rows, counts] = await Promise.all([
    db.select().from(staff).orderBy(asc(staff.disabled), asc(staff.name)).all(),
    db.select({ staffId: staffPasskeys.staffId, n: count() }).from(staffPasskeys).groupBy(staffPasskeys.staffId).all(),
  ]);
  const passkeys = new Map(counts.map((c) => [c.staffId, c.n]));
  return rows.map((r) => ({ ...toStaffView(r), passkeys: passkeys.get(r.id) ?? 0 }));
}

export async function createStaffMember(db: Db, input: NewStaff): Promise<StaffView> {
  const pw = await hashPassword(input.password);
  const now = Date.now();
  const row = await db
    .insert(staff)
    .values({
      id: newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: pw.hash,
      passwordSalt: pw.salt,
      passwordIterations: pw.iterations,
      phone: input.phone ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: staff.email })
    .returning()
    .get();
  if (!row) throw new Conflict("email_taken", "Diese E-Mail-Adresse ist schon vergeben. Bitte eine andere verwenden.");
  return toStaffView(row);
}

export interface StaffUpdateDeps {
  db: Db;
  /** Closes the staff member's open websockets (the InboxRoom). Must not throw. */
  disconnect: (staffId: string) => Promise<unknown>;
  /** Closes the websockets opened with one session. Must not throw. */
  disconnectSession: (sessionHash: string) => Promise<unknown>;
}

const LAST_ADMIN_MESSAGE = "Es muss mindestens eine aktive Administratorin oder ein aktiver Administrator bleiben. Bitte zuerst jemand anderen zum Admin machen.";

/**
 * Applies an admin's change. Disabling signs the person out everywhere at once (sessions and open
 * websockets); a new password signs out their other sessions and closes those sessions' websockets
 * (an admin changing their own password keeps the session they changed it in). The last active admin
 * cannot be demoted or disabled, so the town hall never locks itself out: the check is part of the
 * UPDATE itself, so two admins demoting each other at once cannot both succeed.
 */
export async function updateStaffMember(
  deps: StaffUpdateDeps,
  actor: { staff: StaffIdentity; tokenHash: string },
  id: string,
  patch: StaffPatch,
): Promise<StaffView> {
  const { db } = deps;
  // Everyone may set their own WhatsApp number (for test-sends); everything else is for admins.
  if (actor.staff.role !== "admin" && (id !== actor.staff.id || Object.keys(patch).some((k) => k !== "phone"))) {
    throw new Forbidden("forbidden", "Sie können nur Ihre eigene WhatsApp-Nummer ändern. Alles andere ändert eine Administratorin oder ein Administrator.");
  }
  const set: Partial<typeof staff.$inferInsert> = { updatedAt: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.disabled !== undefined) set.disabled = patch.disabled;
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.password !== undefined) {
    const pw = await hashPassword(patch.password);
    set.passwordHash = pw.hash;
    set.passwordSalt = pw.salt;
    set.passwordIterations = pw.iterations;
  }
  // The row stays (or becomes) an active admin, or was none, or another active admin remains —
  // decided by D1 at the moment of the write, not from an earlier read.
  const newRole = patch.role === undefined ? sql`${staff.role}` : sql`${patch.role}`;
  const newDisabled = patch.disabled === undefined ? sql`${staff.disabled}` : sql`${patch.disabled ? 1 : 0}`;
  const keepsAnAdmin = sql`((${newRole} = 'admin' AND ${newDisabled} = 0)
    OR NOT (${staff.role} = 'admin' AND ${staff.disabled} = 0)
    OR EXISTS (SELECT 1 FROM staff AS other WHERE other.role = 'admin' AND other.disabled = 0 AND other.id <> ${id}))`;
  const row = await db.update(staff).set(set).where(and(eq(staff.id, id), keepsAnAdmin)).returning().get();
  if (!row) {
    const exists = await db.select({ id: staff.id }).from(staff).where(eq(staff.id, id)).get();
    if (!exists) throw notFound("Diese Person gibt es im Team nicht (mehr). Bitte die Liste neu laden.");
    throw new Conflict("last_admin", LAST_ADMIN_MESSAGE);
  }

  if (patch.disabled === true) {
    await deleteSessionsOf(db, id);
    await deps.disconnect(id);
  } else if (patch.password !== undefined) {
    const self = id === actor.staff.id;
    const ended = await deleteSessionsOf(db, id, self ? actor.tokenHash : undefined);
    await Promise.all(ended.map((hash) => deps.disconnectSession(hash)));
  }
  return toStaffView(row);
}
