// Housekeeping for auth tables: expired sessions and finished login rate-limit windows.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { deleteExpiredSessions } from "./sessions";
import { LOGIN_LIMITS } from "./staff";

export async function cleanupAuthTables(db: Db, now = Date.now()): Promise<void> {
  await deleteExpiredSessions(db, now);
  const longest = Math.max(LOGIN_LIMITS.account.windowMs, LOGIN_LIMITS.ip.windowMs);
  await db.run(sql`DELETE FROM rate_limits WHERE key LIKE 'login:%' AND window_start < ${now - longest}`);
}
