// Reading stored media for staff. Objects are found only through their row in D1 (by our media id),
// never by an R2 key from the request, so nobody can read another object by guessing keys.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { media } from "../db/schema";
import { Conflict, RuleViolation, notFound } from "../shared/errors";

/** Types a browser may show inline. Anything else (HTML, SVG, scripts…) is only offered as a download. */
const INLINE_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "audio/ogg",
  "audio/mpeg",
  "audio/mp4",
  "audio/aac",
  "audio/amr",
  "video/mp4",
  "video/3gpp",
  "application/pdf",
]);

/** For every stored file we serve: no browser or proxy may keep a copy (erasure, retention, shared PCs). */
export const MEDIA_CACHE_CONTROL = "private, no-store, max-age=0";

export interface MediaObject {
  body: ReadableStream;
  size: number;
  /** The type to send: the stored type when it is safe to show, else application/octet-stream. */
  contentType: string;
  inline: boolean;
  fileName: string | null;
  sha256: string | null;
}

export async function openStoredMedia(deps: { db: Db; bucket: R2Bucket }, id: string): Promise<MediaObject> {
  if (!/^[0-9a-z]{1,40}$/.test(id)) throw notFound("Diese Datei gibt es nicht (mehr).");
  const row = await deps.db.select().from(media).where(eq(media.id, id)).get();
  if (!row) throw notFound("Diese Datei gibt es nicht (mehr).");
  if (row.status === "pending") throw new Conflict("media_pending", "Die Datei wird noch von WhatsApp geladen. Bitte in ein paar Sekunden noch einmal öffnen.");
  if (row.status !== "stored" || !row.r2Key) throw notFound("Diese Datei ist nicht mehr verfügbar (gelöscht oder nicht geladen).");
  const object = await deps.bucket.get(row.r2Key);
  if (!object) throw notFound("Diese Datei ist nicht mehr verfügbar (gelöscht oder nicht geladen).");
  const stored = (row.mimeType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const inline = INLINE_TYPES.has(stored);
  return {
    body: object.body,
    size: object.size,
    contentType: inline ? stored : "application/octet-stream",
    inline,
    fileName: row.fileName,
    sha256: row.sha256,
  };
}

/** The bytes of a stored media item (to upload it to WhatsApp). */
export async function readStoredMedia(
  deps: { db: Db; bucket: R2Bucket },
  id: string,
): Promise<{ bytes: ArrayBuffer; mimeType: string; fileName: string }> {
  const row = await deps.db.select().from(media).where(eq(media.id, id)).get();
  if (!row || row.status !== "stored" || !row.r2Key) throw new RuleViolation("media_unavailable", "Das Bild ist nicht (mehr) verfügbar. Bitte ein anderes Bild hochladen.");
  const object = await deps.bucket.get(row.r2Key);
  if (!object) throw new RuleViolation("media_unavailable", "Das Bild ist nicht (mehr) verfügbar. Bitte ein anderes Bild hochladen.");
  return {
    bytes: await object.arrayBuffer(),
    mimeType: row.mimeType ?? "application/octet-stream",
    fileName: row.fileName ?? `foto-${id}`,
  };
}
