// The minute cron removes audit rows past the town's retention (trust.audit_retention_days, at least
// 30, default 730). The DELETE trigger allows exactly these rows and refuses any younger one.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { trustSettings } from "../trust/settings";

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 1000;
const MAX_BATCHES = 20;
/** Stays clear of the trigger's own "now" (the cron's time can be a little ahead of the database's). */
const MARGIN_MS = 60 * 60_000;

export async function applyAuditRetention(db: Db, now: number): Promise<number> {
  const { auditRetentionDays } = await trustSettings(db);
  const cutoff = Math.min(now, Date.now()) - auditRetentionDays * DAY_MS - MARGIN_MS;
  let removed = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const res = await db.run(sql`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ${cutoff} ORDER BY id LIMIT ${BATCH})`);
    removed += res.meta.changes;
    if (res.meta.changes < BATCH) break;
  }
  return removed;
}
