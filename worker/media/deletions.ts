// Deleting R2 objects safely. Objects are keyed by content hash, so one object may serve several
// media rows: an object goes only once no live row uses it. A key to delete is first queued in
// `media_deletions` (in the same D1 batch that marks its rows deleted), then deleted; whatever R2
// refused stays queued and the every-minute sweeper retries it, so no object is orphaned.
import { sql, type SQL } from "drizzle-orm";
import { chunk, LIST_CHUNK } from "../db/chunk";
import type { Db } from "../db/client";

/** Keys per sweeper run (R2 deletes up to 1,000 keys per call; chunks stay far below that). */
const SWEEP_LIMIT = 900;

export const sqlList = (values: readonly string[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);

/**
 * Deletes queued R2 objects that no live media row uses and takes them off the queue. A key still in
 * use just leaves the queue (its last user's removal queues it again). On an R2 error the keys stay
 * queued, with the error and an attempt count, for the next sweep.
 */
export async function deleteQueuedObjects(db: Db, bucket: R2Bucket, keys: readonly string[]): Promise<{ objects: number; pending: number }> {
  const result = { objects: 0, pending: 0 };
  for (const part of chunk([...new Set(keys)], LIST_CHUNK)) {
    const used = await db.all<{ r2Key: string }>(sql`SELECT DISTINCT r2_key AS r2Key FROM media WHERE r2_key IN (${sqlList(part)})`);
    const inUse = new Set(used.map((r) => r.r2Key));
    const stillUsed = part.filter((k) => inUse.has(k));
    const free = part.filter((k) => !inUse.has(k));
    if (stillUsed.length) await db.run(sql`DELETE FROM media_deletions WHERE r2_key IN (${sqlList(stillUsed)})`);
    if (!free.length) continue;
    try {
      await bucket.delete(free);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      await db.run(sql`UPDATE media_deletions SET attempts = attempts + 1, last_error = ${message} WHERE r2_key IN (${sqlList(free)})`);
      result.pending += free.length;
      continue;
    }
    await db.run(sql`DELETE FROM media_deletions WHERE r2_key IN (${sqlList(free)})`);
    result.objects += free.length;
  }
  return result;
}

/** An object stored for a row that was deleted meanwhile (erased while the download ran): queue and delete it. */
export async function releaseObject(db: Db, bucket: R2Bucket, r2Key: string, now = Date.now()): Promise<void> {
  await db.run(sql`INSERT INTO media_deletions (r2_key, queued_at) VALUES (${r2Key}, ${now}) ON CONFLICT (r2_key) DO NOTHING`);
  await deleteQueuedObjects(db, bucket, [r2Key]);
}

/** The cron sweeper: retries queued deletions, oldest first. */
export async function sweepMediaDeletions(db: Db, bucket: R2Bucket): Promise<{ objects: number; pending: number }> {
  const rows = await db.all<{ r2Key: string }>(sql`SELECT r2_key AS r2Key FROM media_deletions ORDER BY queued_at LIMIT ${SWEEP_LIMIT}`);
  return deleteQueuedObjects(db, bucket, rows.map((r) => r.r2Key));
}
