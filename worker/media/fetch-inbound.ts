// Downloads an inbound photo/file from WhatsApp into R2. Meta's media URLs expire within minutes,
// so this runs from the queue right after the webhook, with retries; a file that cannot be fetched
// is marked failed (and visible as such), never silently lost.
//
// The file is streamed into R2, never held in memory whole, and capped at WhatsApp's own size
// limits. Its key is the SHA-256 that Graph's media metadata names (so the same photo is stored
// once); R2 checks the bytes against it while storing, and a DigestStream over the same stream
// records what was really stored.
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
/** Key for a file whose hash Graph did not name usably (no dedupe, but still stored). */
const r2KeyForRow = (mediaId: string) => `media/id/${mediaId}`;

const MiB = 1024 * 1024;
const KiB = 1024;
/** WhatsApp's limits per media type (stickers are the only image/webp). */
export function maxMediaBytes(mimeType: string): number {
  const type = mimeType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "image/webp") return 500 * KiB;
  if (type.startsWith("image/")) return 5 * MiB;
  if (type.startsWith("video/") || type.startsWith("audio/")) return 16 * MiB;
  return 100 * MiB;
}

/** Marks a hash mismatch in media.error, so the next attempt no longer trusts Graph's hash. */
const HASH_MISMATCH = "hash_mismatch";

export type FetchOutcome =
  | { result: "stored"; mediaId: string; r2Key: string }
  | { result: "failed"; mediaId: string; error: string; alert?: RoomEvent | null }
  | { result: "retry"; mediaId: string; error: string; delaySeconds: number }
  | { result: "skipped"; mediaId: string };

/** A file that will never be fetched, however often we try (too large, no size). */
class MediaRefused extends Error {}
class HashMismatch extends Error {}

/** The Workers runtime's crypto (the DOM typings in scope do not know DigestStream). */
const workersCrypto = crypto as unknown as { DigestStream: typeof DigestStream };

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Graph's sha256, as lowercase hex: 64 hex digits, or base64 of 32 bytes (as in webhooks); else null. */
export function normalizeSha256(value: string | undefined): string | null {
  if (!value) return null;
  if (/^[0-9a-f]{64}$/i.test(value)) return value.toLowerCase();
  try {
    const raw = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    if (raw.length !== 32) return null;
    return [...raw].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  } catch {
    return null;
  }
}

const mb = (n: number) => `${(n / MiB).toLocaleString("de-AT", { maximumFractionDigits: 1 })} MB`;

/**
 * Streams `body` into R2 under `key`, at most `limit` bytes and exactly `length` bytes (R2 needs a
 * known length), hashing it on the way. Returns the SHA-256 (hex) of what was stored.
 */
async function streamToR2(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  o: { length: number; limit: number; mimeType: string; expectedSha256: string | null },
): Promise<string> {
  const digest = new workersCrypto.DigestStream("SHA-256");
  const hashWriter = digest.getWriter();
  let seen = 0;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > o.limit) throw new MediaRefused(`Datei größer als erlaubt (höchstens ${mb(o.limit)})`);
      await hashWriter.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      await hashWriter.close();
    },
  });
  const sized = body.pipeThrough(tap).pipeThrough(new FixedLengthStream(o.length));
  await bucket.put(key, sized, {
    httpMetadata: { contentType: o.mimeType },
    ...(o.expectedSha256 ? { sha256: o.expectedSha256 } : {}),
  });
  return toHex(await digest.digest);
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
    const mimeType = info.mime_type || row.mimeType || "application/octet-stream";
    const limit = maxMediaBytes(mimeType);
    const declared = info.file_size === undefined ? null : Number(info.file_size);
    if (declared !== null && Number.isFinite(declared) && declared > limit) {
      throw new MediaRefused(`Datei zu groß: ${mb(declared)} (WhatsApp erlaubt für ${mimeType} höchstens ${mb(limit)})`);
    }
    // After a mismatch, Graph's hash is not trusted again for this file.
    const claimed = row.error?.startsWith(HASH_MISMATCH) ? null : normalizeSha256(info.sha256);
    const key = claimed ? r2KeyFor(claimed) : r2KeyForRow(mediaId);

    let size: number;
    let sha256: string;
    const existing = claimed ? await bucket.head(key) : null;
    if (existing) {
      // The same file is already stored (checked when it was): no download needed.
      size = existing.size;
      sha256 = claimed ?? "";
    } else {
      const download = await whatsapp.openMedia(info.url);
      const length = download.contentLength ?? (declared !== null && Number.isFinite(declared) ? declared : null);
      if (length === null || length > limit) {
        await download.body.cancel().catch(() => {});
        throw new MediaRefused(length === null ? "Dateigröße unbekannt: WhatsApp nannte keine Größe" : `Datei zu groß: ${mb(length)} (höchstens ${mb(limit)})`);
      }
      try {
        sha256 = await streamToR2(bucket, key, download.body, { length, limit, mimeType, expectedSha256: claimed });
      } catch (err) {
        if (err instanceof MediaRefused) throw err;
        // R2 refuses a body whose hash is not the one given (nothing is written).
        if (claimed && /checksum/i.test(String(err))) throw new HashMismatch(`${HASH_MISMATCH}: ${String(err)}`);
        throw err;
      }
      if (claimed && sha256 !== claimed) {
        await bucket.delete(key);
        throw new HashMismatch(`${HASH_MISMATCH}: WhatsApp nannte ${claimed}, geladen wurde ${sha256}`);
      }
      size = length;
    }
    const updated = await db
      .update(media)
      .set({ status: "stored", r2Key: key, sha256, mimeType, size, storedAt: Date.now(), error: null })
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
    const retryable = !(err instanceof MediaRefused) && (!(err instanceof GraphApiError) || err.retryable);
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
