// Deleting citizens' photos and files: the media row is marked deleted (kept, so the conversation
// shows "deleted" instead of a broken image) and its R2 object is queued for deletion in the same
// D1 batch, then deleted at once unless another row still uses it (objects are keyed by content
// hash, so two citizens sending the same picture share one object). What R2 refuses stays queued
// for the cron sweeper (media/deletions.ts). Lists are chunked: D1 binds at most 100 parameters.
import { sql } from "drizzle-orm";
import { chunk, LIST_CHUNK } from "../db/chunk";
import { batchSql, type Db } from "../db/client";
import { deleteQueuedObjects, sqlList } from "./deletions";

export interface RemovalResult {
  /** Media rows newly marked deleted. */
  rows: number;
  /** R2 objects deleted now. */
  objects: number;
  /** R2 objects left queued for the sweeper (R2 refused the delete). */
  pending: number;
}

export async function removeMedia(db: Db, bucket: R2Bucket, mediaIds: readonly string[], now = Date.now()): Promise<RemovalResult> {
  let rows = 0;
  const queued: string[] = [];
  for (const part of chunk([...new Set(mediaIds)], LIST_CHUNK)) {
    const [insert, update] = await batchSql(db, [
      sql`INSERT INTO media_deletions (r2_key, queued_at)
        SELECT DISTINCT r2_key, ${now} FROM media WHERE id IN (${sqlList(part)}) AND r2_key IS NOT NULL
        ON CONFLICT (r2_key) DO UPDATE SET queued_at = queued_at RETURNING r2_key AS r2Key`,
      sql`UPDATE media SET status = 'deleted', r2_key = NULL, file_name = NULL, error = NULL
        WHERE id IN (${sqlList(part)}) AND status <> 'deleted'`,
    ]);
    rows += update?.meta.changes ?? 0;
    queued.push(...((insert?.results ?? []) as { r2Key: string }[]).map((r) => r.r2Key));
  }
  const swept = await deleteQueuedObjects(db, bucket, queued);
  return { rows, ...swept };
}
