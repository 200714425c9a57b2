// Photo retention: citizens' photos and files older than MEDIA_RETENTION_DAYS leave R2 (run once a
// day by citizens/retention.ts, which holds the lease and the day marker).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { removeMedia } from "./removal";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Media rows per pass, and passes per run (a larger backlog continues in the next minute's run). */
const BATCH = 100;
const MAX_PASSES = 50;

/** Citizens' photos/files (not staff uploads) stored longer than `retentionDays` ago. */
export async function deleteExpiredMedia(
  db: Db,
  bucket: R2Bucket,
  retentionDays: number,
  now: number,
): Promise<{ rows: number; objects: number; pending: number; complete: boolean }> {
  const total = { rows: 0, objects: 0, pending: 0, complete: true };
  if (retentionDays <= 0) return total;
  const cutoff = now - retentionDays * DAY_MS;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const ids = await db.all<{ id: string }>(sql`SELECT id FROM media
      WHERE status = 'stored' AND citizen_id IS NOT NULL AND uploaded_by IS NULL AND created_at < ${cutoff}
      ORDER BY created_at LIMIT ${BATCH}`);
    if (ids.length === 0) return total;
    const done = await removeMedia(db, bucket, ids.map((r) => r.id), now);
    total.rows += done.rows;
    total.objects += done.objects;
    total.pending += done.pending;
    if (ids.length < BATCH) return total;
  }
  return { ...total, complete: false };
}

