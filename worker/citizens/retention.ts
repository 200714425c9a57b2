// Daily cleanup, run from the every-minute cron until it has completed once per day (Europe/Vienna):
// citizens' photos older than MEDIA_RETENTION_DAYS leave R2, expired sign-up codes leave D1. Two
// settings rows steer it: a lease (one run at a time; it expires, so a crashed run does not block the next) and the day of the last *completed* run. A run that fails or
// stops at its size limit leaves the day open, so the next minute continues where it stopped.
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import { deleteExpiredMedia } from "../media/retention";
import { purgeExpiredCodes } from "./signup-codes";

/** The Vienna day of the last completed run. */
export const RETENTION_MARKER = "citizens.daily_cleanup_day";
/** Epoch ms until which a run holds the cleanup. */
export const RETENTION_LEASE = "citizens.daily_cleanup_lease";
const LEASE_MS = 10 * 60_000;

const viennaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Vienna", year: "numeric", month: "2-digit", day: "2-digit" });

/** "2026-11-28" in Vienna for an epoch-ms time. */
export const dayInVienna = (ms: number) => viennaDay.format(new Date(ms));

/** True when today's cleanup is not done yet and this call took the lease (one atomic upsert). */
async function claimDailyRun(db: Db, now: number): Promise<boolean> {
  const row = await db.get<{ key: string }>(sql`INSERT INTO settings (key, value, updated_at)
    SELECT ${RETENTION_LEASE}, ${String(now + LEASE_MS)}, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = ${RETENTION_MARKER} AND value = ${dayInVienna(now)})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at WHERE CAST(value AS INTEGER) <= ${now}
    RETURNING key`);
  return Boolean(row);
}

/** Gives the lease back; marks the day done only when everything due was handled. */
async function finishRun(db: Db, now: number, complete: boolean): Promise<void> {
  const release = sql`DELETE FROM settings WHERE key = ${RETENTION_LEASE}`;
  if (!complete) {
    await db.run(release);
    return;
  }
  await batchSql(db, [
    sql`INSERT INTO settings (key, value, updated_at) VALUES (${RETENTION_MARKER}, ${dayInVienna(now)}, ${now})
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    release,
  ]);
}

export interface CleanupResult {
  mediaDeleted: number;
  objectsDeleted: number;
  /** R2 objects R2 refused to delete now; queued for the sweeper. */
  objectsPending: number;
  codesDeleted: number;
  /** False when more expired media is left than one run handles: the next cron minute goes on. */
  complete: boolean;
}

export async function runDailyCleanup(deps: { db: Db; bucket: R2Bucket; retentionDays: number }, now: number): Promise<CleanupResult | null> {
  if (!(await claimDailyRun(deps.db, now))) return null;
  try {
    const removed = await deleteExpiredMedia(deps.db, deps.bucket, deps.retentionDays, now);
    const codesDeleted = await purgeExpiredCodes(deps.db, now);
    await finishRun(deps.db, now, removed.complete);
    return {
      mediaDeleted: removed.rows,
      objectsDeleted: removed.objects,
      objectsPending: removed.pending,
      codesDeleted,
      complete: removed.complete,
    };
  } catch (err) {
    // The day stays open: the next cron minute tries again.
    await finishRun(deps.db, now, false).catch(() => undefined);
    throw err;
  }
}
