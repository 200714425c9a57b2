// Staff sessions: an opaque random token in the cookie; D1 stores only its SHA-256, so a leaked
// database does not yield usable sessions. Sessions expire after SESSION_TTL_HOURS; disabling a
// staff member deletes all their sessions.
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { sessions, staff } from "../db/schema";
import { roleAtLeast, type StaffIdentity } from "./roles";

export const SESSION_COOKIE = "tw_session";
/** lastSeenAt is refreshed at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export interface NewSession {
  token: string;
  tokenHash: string;
  expiresAt: number;
}

export async function createSession(db: Db, staffId: string, ttlHours: number, now = Date.now(), opts: { viaPasskey?: boolean } = {}): Promise<NewSession> {
  const token = randomToken();
  const tokenHash = await sha256Hex(token);
  const expiresAt = now + ttlHours * 3_600_000;
  await db.insert(sessions).values({ tokenHash, staffId, createdAt: now, expiresAt, lastSeenAt: now, viaPasskey: opts.viaPasskey ?? false });
  return { token, tokenHash, expiresAt };
}

export interface ActiveSession {
  staff: StaffIdentity;
  tokenHash: string;
  expiresAt: number;
  /** When the person signed in (recent sign-in allows removing a passkey without the password). */
  createdAt: number;
}

/** The session for a cookie token, or null if unknown, expired, or its staff member is disabled. */
export async function findSession(db: Db, token: string | undefined, now = Date.now()): Promise<ActiveSession | null> {
  // Tokens we issue are 43 url-safe characters; anything else is not worth a database read.
  if (!token || token.length > 128) return null;
  const tokenHash = await sha256Hex(token);
  const row = await db
    .select({
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      createdAt: sessions.createdAt,
      viaPasskey: sessions.viaPasskey,
      id: staff.id,
      email: staff.email,
      name: staff.name,
      role: staff.role,
      disabled: staff.disabled,
      totpEnabled: sql<number>`${staff.totpSecret} IS NOT NULL`,
      // The town's rule (trust/settings.ts REQUIRE_TOTP_KEY), read in the same query: no extra round trip per request.
      townRequiresTotp: sql<number>`coalesce((SELECT value = '1' FROM settings WHERE key = 'trust.require_totp'), 0)`,
    })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(eq(sessions.tokenHash, tokenHash))
    .get();
  if (!row) return null;
  if (row.expiresAt <= now) {
    await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    return null;
  }
  if (row.disabled) return null;
  if (now - row.lastSeenAt > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  }
  return {
    staff: {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      totpEnabled: Boolean(row.totpEnabled),
      // A passkey sign-in is two factors in itself (possession and fingerprint/PIN): it satisfies the rule.
      mustSetUpTotp: !row.totpEnabled && !row.viaPasskey && Boolean(row.townRequiresTotp) && roleAtLeast(row.role, "editor"),
    },
    tokenHash,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  };
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/**
 * Signs a staff member out everywhere (optionally keeping one session, e.g. the admin's own).
 * Returns the hashes of the sessions it ended, so their websockets can be closed too.
 */
export async function deleteSessionsOf(db: Db, staffId: string, keepTokenHash?: string): Promise<string[]> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.staffId, staffId), keepTokenHash ? sql`${sessions.tokenHash} <> ${keepTokenHash}` : undefined))
    .returning({ tokenHash: sessions.tokenHash });
  return rows.map((r) => r.tokenHash);
}

export async function deleteExpiredSessions(db: Db, now = Date.now()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function activeSessionCount(db: Db, staffId: string, now = Date.now()): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(sessions)
    .where(and(eq(sessions.staffId, staffId), gt(sessions.expiresAt, now)))
    .get();
  return row?.n ?? 0;
}
