// Daily cleanup, run from the every-minute cron but at most once per day (Europe/Vienna): citizens'
// photos older than MEDIA_RETENTION_DAYS leave R2, expired sign-up codes and old widget rate-limit
// counters leave D1. A settings row holds the day of the last run; claiming it is one atomic upsert,
// so two overlapping cron runs never both do the work.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { removeMedia } from "./media-removal";
import { purgeExpiredCodes } from "./signup-codes";
import { SIGNUP_RATE_KEY_PREFIX } from "./signup-rate-limit";

export const RETENTION_MARKER = "citizens.daily_cleanup_day";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per pass; a day's cron run stops after MAX_PASSES and continues the next day. */
const BATCH = 100;
const MAX_PASSES = 50;

const viennaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Vienna", year: "numeric", month: "2-digit", day: "2-digit" });

/** "2026-11-28" in Vienna for an epoch-ms time. */
export const dayInVienna = (ms: number) => viennaDay.format(new Date(ms));

/** True when this call claimed today's run. */
export async function claimDailyRun(db: Db, now: number): Promise<boolean> {
  const day = dayInVienna(now);
  const row = await db.get<{ key: string }>(sql`INSERT INTO settings (key, value, updated_at) VALUES (${RETENTION_MARKER}, ${day}, ${now})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at WHERE value <> excluded.value
    RETURNING key`);
  return Boolean(row);
}

export interface CleanupResult {
  mediaDeleted: number;
  objectsDeleted: number;
  codesDeleted: number;
}

/** Citizens' photos/files (not staff uploads) stored longer than `retentionDays` ago. */
export async function deleteExpiredMedia(db: Db, bucket: R2Bucket, retentionDays: number, now: number): Promise<{ rows: number; objects: number }> {
  const total = { rows: 0, objects: 0 };
  if (retentionDays <= 0) return total;
  const cutoff = now - retentionDays * DAY_MS;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const ids = await db.all<{ id: string }>(sql`SELECT id FROM media
      WHERE status = 'stored' AND citizen_id IS NOT NULL AND uploaded_by IS NULL AND created_at < ${cutoff}
      ORDER BY created_at LIMIT ${BATCH}`);
    if (ids.length === 0) break;
    const done = await removeMedia(db, bucket, ids.map((r) => r.id));
    total.rows += done.rows;
    total.objects += done.objects;
  }
  return total;
}

export async function runDailyCleanup(deps: { db: Db; bucket: R2Bucket; retentionDays: number }, now: number): Promise<CleanupResult | null> {
  if (!(await claimDailyRun(deps.db, now))) return null;
  const removed = await deleteExpiredMedia(deps.db, deps.bucket, deps.retentionDays, now);
  const codesDeleted = await purgeExpiredCodes(deps.db, now);
  await deps.db.run(sql`DELETE FROM rate_limits WHERE key LIKE ${`${SIGNUP_RATE_KEY_PREFIX}%`} AND window_start < ${now - DAY_MS}`);
  return { mediaDeleted: removed.rows, objectsDeleted: removed.objects, codesDeleted };
}
