// Fixtures for the public feeds: channels (public or not), broadcasts in any state with explicit times,
// and a stored photo.
import { env } from "cloudflare:workers";

export async function seedPublicChannels(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO channels (id, name, position, public) VALUES ('ch_pub', 'Gemeindeinfo', 0, 1)"),
    env.DB.prepare("INSERT INTO channels (id, name, position, public) VALUES ('ch_bad', 'Freibad', 1, 1)"),
    env.DB.prepare("INSERT INTO channels (id, name, position, public) VALUES ('ch_int', 'Intern: Feuerwehr', 2, 0)"),
  ]);
}

export interface SeedBroadcast {
  id: string;
  title?: string;
  kind?: "newsletter" | "alert" | "reminder";
  text?: string;
  channels: string[];
  status: "draft" | "scheduled" | "sending" | "paused" | "done" | "cancelled";
  startedAt?: number | null;
  mediaId?: string | null;
  template?: { name: string; language: string; parameters: string[] } | null;
}

export async function seedBroadcast(b: SeedBroadcast): Promise<void> {
  const started = b.startedAt === undefined ? (b.status === "draft" || b.status === "scheduled" ? null : Date.UTC(2026, 10, 20, 8)) : b.startedAt;
  await env.DB.prepare(
    `INSERT INTO broadcasts (id, title, kind, text, media_id, template, channel_ids, status, started_at, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'st_secret_author', ?, ?)`,
  )
    .bind(
      b.id,
      b.title ?? `Titel ${b.id}`,
      b.kind ?? "newsletter",
      b.text ?? `Text von ${b.id}`,
      b.mediaId ?? null,
      b.template ? JSON.stringify(b.template) : null,
      JSON.stringify(b.channels),
      b.status,
      started,
      started ?? 0,
      started ?? 0,
    )
    .run();
}

/** A stored JPEG (staff upload) in R2 and D1. */
export async function seedPhoto(id: string, mime = "image/jpeg"): Promise<Uint8Array> {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(id), 0xff, 0xd9]);
  const key = `media/sha256/${id}`;
  await env.MEDIA.put(key, bytes);
  await env.DB.prepare(
    "INSERT INTO media (id, status, r2_key, sha256, mime_type, size, file_name, uploaded_by, created_at) VALUES (?, 'stored', ?, ?, ?, ?, 'foto.jpg', 'st_x', 1)",
  )
    .bind(id, key, `sha-${id}`, mime, bytes.length)
    .run();
  return bytes;
}
