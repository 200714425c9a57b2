// Citizens' rights: export everything stored about a person (Art. 15/20 GDPR) and erase a person
// (Art. 17). Erasure deletes message texts and files (D1 and R2), replaces the number by a one-way
// hash, ends all subscriptions and keeps the consent log as anonymised proof. WhatsApp message ids
// (wamids) encode the phone number, so they are removed from messages and hashed in the consent log.
import { asc, eq, inArray, or, sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import { broadcastRecipients, broadcasts, citizens, conversations, media, messages, settings } from "../db/schema";
import { AppError, notFound } from "../shared/errors";
import { removeMedia } from "./media-removal";
import { consentHistory, subscriptionChangeStatements, subscriptionsOf } from "./subscriptions";

const SALT_SETTING = "citizens.erasure_salt";
/** PBKDF2 rounds for the number hash: a phone number has few digits, so the hash must be slow. */
const HASH_ITERATIONS = 100_000;

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** A random salt per installation, created on first use and kept in settings. */
async function erasureSalt(db: Db): Promise<string> {
  const fresh = hex(crypto.getRandomValues(new Uint8Array(32)).buffer);
  await db.insert(settings).values({ key: SALT_SETTING, value: fresh }).onConflictDoNothing();
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SALT_SETTING)).get();
  return row?.value ?? fresh;
}

/** One-way hash of a phone number or user id (PBKDF2-SHA256 with the installation's salt). */
export async function identityHash(db: Db, identity: string): Promise<string> {
  const salt = await erasureSalt(db);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(identity), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: new TextEncoder().encode(salt), iterations: HASH_ITERATIONS },
    key,
    256,
  );
  return `pbkdf2-sha256:${hex(bits)}`;
}

export async function exportCitizen(db: Db, citizenId: string) {
  const citizen = await db.select().from(citizens).where(eq(citizens.id, citizenId)).get();
  if (!citizen) throw notFound("Person nicht gefunden");
  const convs = await db.select().from(conversations).where(eq(conversations.citizenId, citizenId)).orderBy(asc(conversations.createdAt)).all();
  const msgs = await db.select().from(messages).where(eq(messages.citizenId, citizenId)).orderBy(asc(messages.createdAt), asc(messages.id)).all();
  const mediaIds = msgs.flatMap((m) => (m.mediaId ? [m.mediaId] : []));
  const files = await db
    .select({
      id: media.id,
      status: media.status,
      mimeType: media.mimeType,
      size: media.size,
      fileName: media.fileName,
      sha256: media.sha256,
      createdAt: media.createdAt,
      storedAt: media.storedAt,
    })
    .from(media)
    .where(or(eq(media.citizenId, citizenId), mediaIds.length ? inArray(media.id, mediaIds) : undefined))
    .all();
  const received = await db
    .select({
      broadcastId: broadcastRecipients.broadcastId,
      title: broadcasts.title,
      kind: broadcasts.kind,
      status: broadcastRecipients.status,
      sentAt: broadcastRecipients.sentAt,
      deliveredAt: broadcastRecipients.deliveredAt,
      readAt: broadcastRecipients.readAt,
      failedAt: broadcastRecipients.failedAt,
    })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(eq(broadcastRecipients.citizenId, citizenId))
    .all();
  return {
    format: "townwire-citizen-export/1",
    exportedAt: new Date().toISOString(),
    note: "Alle Zeitangaben in Millisekunden seit 1970 (UTC). All times are epoch milliseconds (UTC).",
    citizen,
    subscriptions: await subscriptionsOf(db, citizenId),
    consentEvents: await consentHistory(db, citizenId),
    conversations: convs.map((c) => ({ ...c, messages: msgs.filter((m) => m.conversationId === c.id) })),
    files: files.map((f) => ({ ...f, url: f.status === "stored" ? `/api/media/${f.id}` : null })),
    broadcastsReceived: received,
  };
}
export type CitizenExport = Awaited<ReturnType<typeof exportCitizen>>;

export interface EraseResult {
  citizenId: string;
  erasedAt: number;
  messagesCleared: number;
  filesDeleted: number;
  subscriptionsEnded: number;
}

export async function eraseCitizen(db: Db, bucket: R2Bucket, citizenId: string, staffId: string): Promise<EraseResult> {
  const citizen = await db.select().from(citizens).where(eq(citizens.id, citizenId)).get();
  if (!citizen) throw notFound("Person nicht gefunden");
  if (citizen.erasedAt) throw new AppError(409, "already_erased", "Diese Person wurde bereits gelöscht");

  // Files first: removing them is idempotent, so a failure below can simply be retried.
  const fileIds = await db.all<{ id: string }>(sql`SELECT id FROM media WHERE citizen_id = ${citizenId}
    UNION SELECT media_id FROM messages WHERE citizen_id = ${citizenId} AND media_id IS NOT NULL`);
  const removed = await removeMedia(db, bucket, fileIds.map((r) => r.id));

  const now = Date.now();
  const identity = citizen.waId ?? citizen.userId;
  const erasedHash = identity ? await identityHash(db, identity) : null;
  const active = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1`);
  const counted = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM messages WHERE citizen_id = ${citizenId}`);
  const withWamid = await db.all<{ id: number; wamid: string }>(sql`SELECT id, message_wamid AS wamid FROM consent_events
    WHERE citizen_id = ${citizenId} AND message_wamid IS NOT NULL AND message_wamid NOT LIKE 'sha256:%'`);
  const anonymised = await Promise.all(withWamid.map(async (e) => ({ id: e.id, hash: `sha256:${await sha256(e.wamid)}` })));

  await batchSql(db, [
    // Subscriptions end with an "erase" consent event (one per channel, or one if none was on).
    ...subscriptionChangeStatements({ citizenId, unsubscribeAll: true, allAction: "erase", source: "staff", staffId }, now),
    // The one permitted change to the consent log: the wamid (which encodes the number) becomes a hash.
    ...anonymised.map((e) => sql`UPDATE consent_events SET message_wamid = ${e.hash} WHERE id = ${e.id}`),
    sql`UPDATE messages SET text = NULL, payload = NULL, wamid = NULL, error_title = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE conversations SET last_message_preview = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE media SET wa_media_id = NULL, sha256 = NULL, file_name = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE broadcast_recipients SET wamid = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE citizens SET wa_id = NULL, user_id = NULL, name = NULL, erased_hash = ${erasedHash}, erased_at = ${now}, updated_at = ${now}
      WHERE id = ${citizenId}`,
  ]);
  return {
    citizenId,
    erasedAt: now,
    messagesCleared: counted?.n ?? 0,
    filesDeleted: removed.rows,
    subscriptionsEnded: active?.n ?? 0,
  };
}
