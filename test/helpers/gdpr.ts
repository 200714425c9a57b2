// Fixtures for the GDPR tests: citizens with many files (rows straight into D1, objects into R2),
// staff uploads, and R2 / D1 bindings that fail on purpose.
import { env } from "cloudflare:workers";

export const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
export const DAY = 24 * 3600 * 1000;

export interface SeededCitizen {
  citizenId: string;
  conversationId: string;
  mediaIds: string[];
  keys: string[];
}

/** A citizen with one conversation and `n` inbound photos (each its own R2 object), `ageDays` old. */
export async function citizenWithPhotos(id: string, waId: string, n: number, o: { ageDays?: number } = {}): Promise<SeededCitizen> {
  const created = Date.now() - (o.ageDays ?? 0) * DAY;
  const conversationId = `conv-${id}`;
  const stmts: D1PreparedStatement[] = [
    env.DB.prepare("INSERT INTO citizens (id, wa_id, name, last_inbound_at, created_at) VALUES (?, ?, ?, ?, ?)").bind(id, waId, `Bürger ${id}`, created, created),
    env.DB.prepare("INSERT INTO conversations (id, citizen_id, status, created_at) VALUES (?, ?, 'open', ?)").bind(conversationId, id, created),
  ];
  const mediaIds: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const mediaId = `${id}m${String(i).padStart(4, "0")}`;
    const key = `media/sha256/${mediaId.padEnd(64, "0")}`;
    mediaIds.push(mediaId);
    keys.push(key);
    stmts.push(
      env.DB.prepare(
        "INSERT INTO media (id, wa_media_id, status, r2_key, sha256, mime_type, size, file_name, citizen_id, created_at, stored_at) VALUES (?, ?, 'stored', ?, ?, 'image/jpeg', ?, ?, ?, ?, ?)",
      ).bind(mediaId, `wa-${mediaId}`, key, mediaId, PHOTO.byteLength, `foto-${i}.jpg`, id, created + i, created + i),
      env.DB.prepare(
        "INSERT INTO messages (id, conversation_id, citizen_id, direction, wamid, type, text, media_id, status, sent_at, created_at) VALUES (?, ?, ?, 'in', ?, 'image', ?, ?, 'received', ?, ?)",
      ).bind(`${mediaId}-msg`, conversationId, id, `wamid.${mediaId}`, `Foto ${i}`, mediaId, created + i, created + i),
    );
  }
  for (let i = 0; i < stmts.length; i += 200) await env.DB.batch(stmts.slice(i, i + 200));
  await Promise.all(keys.map((key) => env.MEDIA.put(key, PHOTO)));
  return { citizenId: id, conversationId, mediaIds, keys };
}

/** A photo uploaded by staff (as POST /api/media leaves it). */
export async function staffUpload(id: string, staffId = "staff-1"): Promise<string> {
  const key = `media/sha256/${id.padEnd(64, "f")}`;
  await env.MEDIA.put(key, PHOTO);
  await env.DB.prepare(
    "INSERT INTO media (id, status, r2_key, sha256, mime_type, size, uploaded_by, created_at, stored_at) VALUES (?, 'stored', ?, ?, 'image/jpeg', ?, ?, ?, ?)",
  )
    .bind(id, key, id, PHOTO.byteLength, staffId, Date.now(), Date.now())
    .run();
  return key;
}

/** A message from staff in a conversation that carries a photo. */
export async function outboundPhoto(conversationId: string, citizenId: string, mediaId: string): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, media_id, status, sent_at) VALUES (?, ?, ?, 'out', 'image', 'Foto', ?, 'sent', ?)",
  )
    .bind(`out-${conversationId}-${mediaId}`, conversationId, citizenId, mediaId, Date.now())
    .run();
}

/** The R2 bucket, except that deleting fails (an R2 outage). */
export function bucketFailingDeletes(bucket: R2Bucket = env.MEDIA): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === "delete") return async () => Promise.reject(new Error("R2 nicht erreichbar"));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The D1 binding, except that the first statement containing `fragment` fails. */
export function d1FailingOnce(fragment: string, d1: D1Database = env.DB): D1Database {
  let armed = true;
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          if (armed && query.includes(fragment)) {
            armed = false;
            throw new Error("D1_ERROR: simulated failure");
          }
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export const objectExists = async (key: string) => (await env.MEDIA.head(key)) !== null;

/** How many R2 objects a seeded citizen (or staff upload id) still has. */
export const objectsOf = async (id: string) => (await env.MEDIA.list({ prefix: `media/sha256/${id}` })).objects.length;
