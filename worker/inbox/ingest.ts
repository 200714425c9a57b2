// Stores one inbound WhatsApp message: citizen upsert, conversation find-or-open, message insert,
// all in one D1 batch (a transaction), so a crash never leaves half of it. A known wamid is a no-op.
import { eq, or, sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import { citizens, messages } from "../db/schema";
import { newId } from "../shared/ids";
import type { InboundMessage } from "../whatsapp/normalize";

export interface StoredInbound {
  messageId: string;
  conversationId: string;
  citizenId: string;
  /** Our media row, when the message carries a file still to be fetched. */
  mediaId: string | null;
  mediaPending: boolean;
  conversationOpened: boolean;
}

const PREVIEW_LENGTH = 140;

export function previewOf(msg: Pick<InboundMessage, "type" | "text">): string {
  const label: Record<string, string> = {
    image: "📷 Foto",
    video: "🎬 Video",
    audio: "🎤 Sprachnachricht",
    document: "📄 Dokument",
    sticker: "Sticker",
    location: "📍 Standort",
    contacts: "👤 Kontakt",
    reaction: "Reaktion",
    unsupported: "Nicht unterstützte Nachricht",
  };
  const text = msg.text?.trim();
  const head = label[msg.type];
  const full = head && text ? `${head}: ${text}` : (text ?? head ?? msg.type);
  return full.length > PREVIEW_LENGTH ? `${full.slice(0, PREVIEW_LENGTH - 1)}…` : full;
}

/** Returns null when the message was already stored (redelivery). */
export async function storeInbound(db: Db, msg: InboundMessage): Promise<StoredInbound | null> {
  const seen = await db.select({ id: messages.id }).from(messages).where(eq(messages.wamid, msg.wamid)).get();
  if (seen) return null;

  const byWa = msg.waId ? eq(citizens.waId, msg.waId) : undefined;
  const byUser = msg.userId ? eq(citizens.userId, msg.userId) : undefined;
  const known = await db
    .select({ id: citizens.id, waId: citizens.waId, userId: citizens.userId })
    .from(citizens)
    .where(or(byWa, byUser))
    .all();
  // Prefer the row that matches the phone number; the user id is linked onto it.
  const existing = known.find((c) => msg.waId && c.waId === msg.waId) ?? known[0];
  const citizenId = existing?.id ?? newId();
  const messageId = newId();
  const conversationId = newId();
  const now = Date.now();
  const mediaFailed = Boolean(msg.errors?.length);
  const mediaId = msg.media ? newId() : null;

  const citizenStmt = existing
    ? sql`UPDATE citizens SET
        name = coalesce(${msg.profileName ?? null}, name),
        wa_id = coalesce(wa_id, ${msg.waId ?? null}),
        user_id = coalesce(user_id, ${msg.userId ?? null}),
        last_inbound_at = max(coalesce(last_inbound_at, 0), ${msg.sentAt}),
        updated_at = ${now}
      WHERE id = ${citizenId}`
    : sql`INSERT INTO citizens (id, wa_id, user_id, name, last_inbound_at, created_at, updated_at)
        VALUES (${citizenId}, ${msg.waId ?? null}, ${msg.userId ?? null}, ${msg.profileName ?? null}, ${msg.sentAt}, ${now}, ${now})`;

  const openConversation = sql`(SELECT id FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open' ORDER BY created_at DESC LIMIT 1)`;

  const batch = [
    citizenStmt,
    sql`INSERT INTO conversations (id, citizen_id, status, last_message_at, created_at)
      SELECT ${conversationId}, ${citizenId}, 'open', ${now}, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open')
        AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ${msg.wamid})`,
    sql`INSERT INTO messages (id, conversation_id, citizen_id, direction, wamid, type, text, payload, media_id, status, sent_at, created_at)
      VALUES (${messageId}, ${openConversation}, ${citizenId}, 'in', ${msg.wamid}, ${msg.type}, ${msg.text ?? null},
        ${JSON.stringify(payloadOf(msg))}, ${mediaId}, 'received', ${msg.sentAt}, ${now})
      ON CONFLICT (wamid) DO NOTHING`,
    sql`UPDATE conversations SET
        last_message_at = max(last_message_at, ${now}),
        last_message_preview = ${previewOf(msg)},
        unread_count = unread_count + 1
      WHERE id = (SELECT conversation_id FROM messages WHERE id = ${messageId})`,
    ...(msg.media && mediaId
      ? [
          sql`INSERT INTO media (id, wa_media_id, status, sha256, mime_type, file_name, citizen_id, error, created_at)
            SELECT ${mediaId}, ${msg.media.waMediaId}, ${mediaFailed ? "failed" : "pending"}, ${msg.media.sha256 ?? null},
              ${msg.media.mimeType ?? null}, ${msg.media.filename ?? null}, ${citizenId},
              ${mediaFailed ? (msg.errors?.map((e) => `${e.code} ${e.title ?? ""}`).join("; ") ?? null) : null}, ${now}
            WHERE EXISTS (SELECT 1 FROM messages WHERE id = ${messageId})`,
        ]
      : []),
  ];

  await batchSql(db, batch);

  const stored = await db
    .select({ id: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(eq(messages.id, messageId))
    .get();
  if (!stored) return null; // lost a race with a concurrent delivery of the same wamid

  if (msg.type === "system" && msg.payload.system) {
    await linkChangedNumber(db, citizenId, msg);
  }

  return {
    messageId,
    conversationId: stored.conversationId,
    citizenId,
    mediaId,
    mediaPending: Boolean(mediaId) && !mediaFailed,
    conversationOpened: stored.conversationId === conversationId,
  };
}

function payloadOf(msg: InboundMessage): Record<string, unknown> {
  const p: Record<string, unknown> = { rawType: msg.rawType };
  if (msg.location) p.location = msg.location;
  if (msg.replyId) p.replyId = msg.replyId;
  if (msg.contextWamid) p.contextWamid = msg.contextWamid;
  if (msg.errors?.length) p.errors = msg.errors;
  if (msg.media) p.media = { type: msg.media.mediaType, caption: msg.media.caption, filename: msg.media.filename };
  // Keep the full original for types we only display (contacts, order, system, unknown).
  if (!["text", "image", "video", "audio", "document", "sticker", "location"].includes(msg.type)) p.original = msg.payload;
  return p;
}

/** "user_changed_number" system messages carry the new number: keep the citizen linked to it. */
async function linkChangedNumber(db: Db, citizenId: string, msg: InboundMessage): Promise<void> {
  const system = msg.payload.system as { type?: string; new_wa_id?: string } | undefined;
  if (system?.type !== "user_changed_number" || !system.new_wa_id) return;
  await db.run(sql`UPDATE citizens SET wa_id = ${system.new_wa_id}, updated_at = ${Date.now()}
    WHERE id = ${citizenId} AND NOT EXISTS (SELECT 1 FROM citizens WHERE wa_id = ${system.new_wa_id})`);
}
