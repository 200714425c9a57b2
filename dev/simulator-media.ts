// Files on the simulated WhatsApp side (uploads through the fake Graph API, citizens' photos),
// kept in the simulator's SQLite in chunks (a row may hold at most 2 MB).
import { CHUNK_BYTES } from "./simulator-tables";

export interface StoredMedia {
  id: string;
  mimeType: string;
  sha256: string;
  size: number;
  fileName: string | null;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Graph media ids are long decimal numbers. */
function newMediaId(): string {
  const n = crypto.getRandomValues(new Uint32Array(2));
  return `1${String(n[0]).padStart(10, "0")}${String((n[1] ?? 0) % 100000).padStart(5, "0")}`;
}

export async function storeMedia(sql: SqlStorage, bytes: ArrayBuffer, mimeType: string, fileName: string | null): Promise<StoredMedia> {
  const data = new Uint8Array(bytes);
  const id = newMediaId();
  const sha256 = await sha256Hex(data);
  sql.exec(
    `INSERT INTO media (id, mime_type, sha256, size, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    id,
    mimeType,
    sha256,
    data.byteLength,
    fileName,
    Date.now(),
  );
  for (let i = 0, seq = 0; i < data.byteLength || seq === 0; i += CHUNK_BYTES, seq++) {
    sql.exec(`INSERT INTO media_chunks (media_id, seq, bytes) VALUES (?, ?, ?)`, id, seq, data.slice(i, i + CHUNK_BYTES).buffer);
  }
  return { id, mimeType, sha256, size: data.byteLength, fileName };
}

export function mediaInfo(sql: SqlStorage, id: string): StoredMedia | null {
  const r = sql
    .exec<{ id: string; mime_type: string; sha256: string; size: number; file_name: string | null }>(`SELECT * FROM media WHERE id = ?`, id)
    .toArray()[0];
  return r ? { id: r.id, mimeType: r.mime_type, sha256: r.sha256, size: r.size, fileName: r.file_name } : null;
}

export function mediaBytes(sql: SqlStorage, id: string): { info: StoredMedia; bytes: ArrayBuffer } | null {
  const info = mediaInfo(sql, id);
  if (!info) return null;
  const out = new Uint8Array(info.size);
  let offset = 0;
  for (const c of sql.exec<{ bytes: ArrayBuffer }>(`SELECT bytes FROM media_chunks WHERE media_id = ? ORDER BY seq`, id)) {
    out.set(new Uint8Array(c.bytes), offset);
    offset += c.bytes.byteLength;
  }
  return { info, bytes: out.buffer };
}
