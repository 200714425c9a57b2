// Photos staff upload to send in a reply: checked by their actual bytes (not the name or the
// browser's claim), stored in R2 by content hash, recorded in D1.
import type { Db } from "../db/client";
import { media } from "../db/schema";
import { InvalidInput, TooLarge, UnsupportedType } from "../shared/errors";
import { newId } from "../shared/ids";
import { mediaPath } from "./paths";
import { r2KeyFor } from "./fetch-inbound";

/** WhatsApp accepts images up to 5 MB. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
export const UPLOAD_MIME_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type UploadMimeType = (typeof UPLOAD_MIME_TYPES)[number];

export interface UploadedMedia {
  id: string;
  mimeType: UploadMimeType;
  size: number;
  url: string;
}

/** The image type by magic bytes, or null. */
export function sniffImageType(bytes: Uint8Array): UploadMimeType | null {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => at(i) === b)) return "image/png";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.slice(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keeps a display name harmless: no paths, no control characters, bounded length. */
export function safeFileName(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 120);
  return clean || null;
}

export async function storeUpload(
  deps: { db: Db; bucket: R2Bucket },
  file: { bytes: ArrayBuffer; name: string | null; declaredType: string | null },
  staffId: string,
): Promise<UploadedMedia> {
  const size = file.bytes.byteLength;
  if (size === 0) throw new InvalidInput("empty_file", "Die Datei ist leer. Bitte ein anderes Bild wählen.");
  if (size > MAX_UPLOAD_BYTES) throw new TooLarge("file_too_large", "Das Bild ist größer als 5 MB. Bitte ein kleineres Bild wählen.");
  const mimeType = sniffImageType(new Uint8Array(file.bytes));
  if (!mimeType) {
    throw new UnsupportedType("unsupported_media_type", "Nur Bilder im Format JPEG, PNG oder WebP sind möglich. Bitte ein solches Bild wählen.", {
      allowed: UPLOAD_MIME_TYPES,
    });
  }
  const hash = await sha256Hex(file.bytes);
  const key = r2KeyFor(hash);
  await deps.bucket.put(key, file.bytes, { httpMetadata: { contentType: mimeType }, sha256: hash });
  const id = newId();
  const now = Date.now();
  await deps.db.insert(media).values({
    id,
    status: "stored",
    r2Key: key,
    sha256: hash,
    mimeType,
    size,
    fileName: safeFileName(file.name),
    uploadedBy: staffId,
    createdAt: now,
    storedAt: now,
  });
  return { id, mimeType, size, url: mediaPath(id) };
}
