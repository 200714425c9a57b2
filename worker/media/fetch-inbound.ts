// Downloads an inbound photo/file from WhatsApp into R2. Meta's media URLs expire within minutes,
// so this runs from the queue right after the webhook, with retries; a file that cannot be fetched
// is marked failed (and visible as such), never silently lost.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { media } from "../db/schema";
import type { WhatsAppClient } from "../whatsapp/client";
import { alertOnAuthError } from "../alerts/admin-alerts";
import type { RoomEvent } from "../shared/events";
import { GraphApiError } from "../whatsapp/errors";
import { releaseObject } from "./deletions";

export const MAX_MEDIA_ATTEMPTS = 5;
/** R2 objects are keyed by content hash: the same photo sent twice is stored once. */
export const r2KeyFor = (sha256Hex: string) => `media/sha256/${sha256Hex}`;

export type FetchOutcome =
  | { result: "stored"; mediaId: string; r2Key: string }
  | { result: "failed"; mediaId: string; error: string; alert?: RoomEvent | null }
  | { result: "retry"; mediaId: string; error: string; delaySeconds: number }
  | { result: "skipped"; mediaId: string };

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function fetchInboundMedia(
  deps: { db: Db; bucket: R2Bucket; whatsapp: WhatsAppClient },
  mediaId: string,
): Promise<FetchOutcome> {
  const { db, bucket, whatsapp } = deps;
  const row = await db.select().from(media).where(eq(media.id, mediaId)).get();
  if (!row || row.status !== "pending" || !row.waMediaId) return { result: "skipped", mediaId };

  const attempts = row.attempts + 1;
  await db.update(media).set({ attempts }).where(eq(media.id, mediaId));
  try {
    const info = await whatsapp.getMediaInfo(row.waMediaId);
    const { bytes, contentType } = await whatsapp.downloadMedia(info.url);
    const hash = await sha256Hex(bytes);
    const mimeType = info.mime_type || contentType || row.mimeType || "application/octet-stream";
    const key = r2KeyFor(hash);
    await bucket.put(key, bytes, { httpMetadata: { contentType: mimeType }, sha256: hash });
    const updated = await db
      .update(media)
      .set({ status: "stored", r2Key: key, sha256: hash, mimeType, size: bytes.byteLength, storedAt: Date.now(), error: null })
      .where(and(eq(media.id, mediaId), eq(media.status, "pending")))
      .run();
    if (updated.meta.changes === 0) {
      // Erased or expired while downloading: the object must not stay behind without a row.
      await releaseObject(db, bucket, key);
      return { result: "skipped", mediaId };
    }
    return { result: "stored", mediaId, r2Key: key };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const retryable = !(err instanceof GraphApiError) || err.retryable;
    if (retryable && attempts < MAX_MEDIA_ATTEMPTS) {
      await db.update(media).set({ error: message }).where(and(eq(media.id, mediaId), eq(media.status, "pending")));
      return { result: "retry", mediaId, error: message, delaySeconds: Math.min(2 ** attempts, 60) };
    }
    // Only a pending row fails: one erased meanwhile stays deleted.
    await db.update(media).set({ status: "failed", error: message }).where(and(eq(media.id, mediaId), eq(media.status, "pending")));
    return { result: "failed", mediaId, error: message, alert: await alertOnAuthError(db, err) };
  }
}

/** Pending media whose job was lost (e.g. the queue send failed after the webhook stored it). */
export async function stalePendingMedia(db: Db, olderThanMs: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM media WHERE status = 'pending' AND wa_media_id IS NOT NULL AND created_at < ${Date.now() - olderThanMs} LIMIT 100`,
  );
  return rows.map((r) => r.id);
}
