// Citizens' rights: export everything stored about a person (Art. 15/20 GDPR) and erase a person
// (Art. 17). Erasure deletes message texts and files (D1 and R2), replaces the number by a one-way
// hash, ends all subscriptions and keeps the consent log as anonymised proof. WhatsApp message ids
// (wamids) encode the phone number, so they are removed from messages and hashed in the consent log.
import { asc, eq, sql } from "drizzle-orm";
import { chunk } from "../db/chunk";
import { batchSql, type Db } from "../db/client";
import { broadcastRecipients, broadcasts, citizens, conversations, media, messages } from "../db/schema";
import { Conflict, notFound } from "../shared/errors";
import { identityHash, tombstoneStatement } from "./erasure-tombstones";
import { removeMedia } from "../media/removal";
import { consentHistory, subscriptionChangeStatements, subscriptionsOf } from "./subscriptions";

export { identityHash } from "./erasure-tombstones";

/** Distinct wamids per anonymising UPDATE: 3 parameters each plus the citizen id stay under D1's 100. */
const WAMIDS_PER_UPDATE = 30;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function exportCitizen(db: Db, citizenId: string) {
  const citizen = await db.select().from(citizens).where(eq(citizens.id, citizenId)).get();
  if (!citizen) throw notFound("Diese Person gibt es nicht (mehr). Bitte die Liste neu laden.");
  const convs = await db.select().from(conversations).where(eq(conversations.citizenId, citizenId)).orderBy(asc(conversations.createdAt)).all();
  const msgs = await db.select().from(messages).where(eq(messages.citizenId, citizenId)).orderBy(asc(messages.createdAt), asc(messages.id)).all();
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
    // Sub-select, not a bound list of ids: D1 binds at most 100 parameters per statement.
    .where(sql`${media.citizenId} = ${citizenId} OR ${media.id} IN (SELECT media_id FROM messages WHERE citizen_id = ${citizenId} AND media_id IS NOT NULL)`)
    .orderBy(asc(media.createdAt), asc(media.id))
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
  /** Media rows of this person marked deleted. */
  filesDeleted: number;
  /** R2 objects deleted before this answer. */
  objectsDeleted: number;
  /** R2 objects R2 refused to delete now: queued in media_deletions, the cron sweeper retries them. */
  objectsPending: number;
  subscriptionsEnded: number;
}

/**
 * The files that belong to this person: their own inbound photos and files, and staff uploads sent
 * only to them (not in another person's conversation, not a broadcast's photo). Another citizen's
 * photo forwarded into this conversation belongs to that citizen and stays.
 */
async function filesOf(db: Db, citizenId: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`SELECT id FROM media
      WHERE citizen_id = ${citizenId} AND uploaded_by IS NULL AND status <> 'deleted'
    UNION
    SELECT m.id FROM media m
      WHERE m.uploaded_by IS NOT NULL AND m.status <> 'deleted'
        AND m.id IN (SELECT media_id FROM messages WHERE citizen_id = ${citizenId} AND media_id IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.media_id = m.id AND o.citizen_id <> ${citizenId})
        AND NOT EXISTS (SELECT 1 FROM broadcasts b WHERE b.media_id = m.id)`);
  return rows.map((r) => r.id);
}

/** The consent log's wamids (which encode the number) become their SHA-256; events are never deleted. */
async function anonymiseConsentStatements(db: Db, citizenId: string) {
  const rows = await db.all<{ wamid: string }>(sql`SELECT DISTINCT message_wamid AS wamid FROM consent_events
    WHERE citizen_id = ${citizenId} AND message_wamid IS NOT NULL AND message_wamid NOT LIKE 'sha256:%'`);
  const hashed = await Promise.all(rows.map(async (r) => ({ wamid: r.wamid, hash: `sha256:${await sha256(r.wamid)}` })));
  return chunk(hashed, WAMIDS_PER_UPDATE).map((part) => {
    const cases = sql.join(part.map((e) => sql`WHEN ${e.wamid} THEN ${e.hash}`), sql` `);
    const wamids = sql.join(part.map((e) => sql`${e.wamid}`), sql`, `);
    return sql`UPDATE consent_events SET message_wamid = CASE message_wamid ${cases} ELSE message_wamid END
      WHERE citizen_id = ${citizenId} AND message_wamid IN (${wamids})`;
  });
}

export async function eraseCitizen(db: Db, bucket: R2Bucket, citizenId: string, staffId: string): Promise<EraseResult> {
  const citizen = await db.select().from(citizens).where(eq(citizens.id, citizenId)).get();
  if (!citizen) throw notFound("Diese Person gibt es nicht (mehr). Bitte die Liste neu laden.");
  if (citizen.erasedAt) throw new Conflict("already_erased", "Die Daten dieser Person wurden bereits gelöscht. Bitte die Liste neu laden.");

  // Files first: removing them is idempotent, so a failure below can simply be retried. What R2
  // refuses stays queued for the sweeper (the rows are marked deleted either way).
  const now = Date.now();
  const removed = await removeMedia(db, bucket, await filesOf(db, citizenId), now);

  const identities = [citizen.waId, citizen.userId].filter((v): v is string => Boolean(v));
  const hashes = await Promise.all(identities.map((identity) => identityHash(db, identity)));
  const active = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1`);
  const counted = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM messages WHERE citizen_id = ${citizenId}`);

  await batchSql(db, [
    // Subscriptions end with an "erase" consent event (one per channel, or one if none was on).
    ...subscriptionChangeStatements({ citizenId, unsubscribeAll: true, allAction: "erase", source: "staff", staffId }, now),
    ...(await anonymiseConsentStatements(db, citizenId)),
    // Late webhooks of this person's old messages are dropped from now on (erasure-tombstones.ts).
    ...hashes.map((hash) => tombstoneStatement(hash, now)),
    sql`UPDATE messages SET text = NULL, payload = NULL, wamid = NULL, error_title = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE conversations SET last_message_preview = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE media SET wa_media_id = NULL, sha256 = NULL, file_name = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE broadcast_recipients SET wamid = NULL WHERE citizen_id = ${citizenId}`,
    sql`UPDATE citizens SET wa_id = NULL, user_id = NULL, name = NULL, erased_hash = ${hashes[0] ?? null}, erased_at = ${now}, updated_at = ${now}
      WHERE id = ${citizenId}`,
  ]);
  return {
    citizenId,
    erasedAt: now,
    messagesCleared: counted?.n ?? 0,
    filesDeleted: removed.rows,
    objectsDeleted: removed.objects,
    objectsPending: removed.pending,
    subscriptionsEnded: active?.n ?? 0,
  };
}
