// Deleting citizens' photos and files: the media row is marked deleted (kept, so the conversation
// shows "deleted" instead of a broken image) and the R2 object goes once no other row uses it
// (objects are keyed by content hash, so two citizens sending the same picture share one object).
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { media } from "../db/schema";

export async function removeMedia(db: Db, bucket: R2Bucket, mediaIds: string[]): Promise<{ rows: number; objects: number }> {
  if (mediaIds.length === 0) return { rows: 0, objects: 0 };
  const rows = await db
    .select({ id: media.id, r2Key: media.r2Key })
    .from(media)
    .where(inArray(media.id, mediaIds))
    .all();
  // Mark first: a crash afterwards leaves at worst an orphaned object, never a row pointing nowhere.
  await db
    .update(media)
    .set({ status: "deleted", r2Key: null, fileName: null, error: null })
    .where(inArray(media.id, rows.map((r) => r.id)));
  const keys = [...new Set(rows.flatMap((r) => (r.r2Key ? [r.r2Key] : [])))];
  let objects = 0;
  for (const key of keys) {
    const stillUsed = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM media WHERE r2_key = ${key}`);
    if ((stillUsed?.n ?? 0) > 0) continue;
    await bucket.delete(key);
    objects++;
  }
  return { rows: rows.length, objects };
}
