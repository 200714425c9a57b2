// Housekeeping for auth tables: expired sessions and forgotten login counters.
import type { Db } from "../db/client";
import { deleteStaleLoginKeys } from "./login-limits";
import { deleteExpiredSessions } from "./sessions";

export async function cleanupAuthTables(db: Db, now = Date.now()): Promise<void> {
  await deleteExpiredSessions(db, now);
  await deleteStaleLoginKeys(db, now);
}
