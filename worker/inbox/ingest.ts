// Stores one inbound WhatsApp message: citizen upsert, conversation find-or-open, message insert,
// all in ONE D1 batch (a transaction, and one round trip), so a crash never leaves half of it.
// A known wamid is a no-op: the message insert does nothing and every later statement keys on it.
import { sql, type SQL } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import type { MessageView } from "../shared/events";
import { newId } from "../shared/ids";
import type { InboundMessage } from "../whatsapp/normalize";

export interface StoredInbound {
  messageId: string;
  conversationId: string;
  citizenId: string;
  citizenName: string | null;
  /** Our media row, when the message carries a file. */
  mediaId: string | null;
  /** True when the file still has to be fetched from WhatsApp. */
  mediaPending: boolean;
  /** True when the message awaits the background job (processed_at is null). */
  needsProcessing: boolean;
  view: MessageView;
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

/**
 * Whether a message needs the background job: true; false when that is certain (stored as processed);
 * or `{ skipIf }`: stored as processed only if that SQL condition holds inside the storing batch (a
 * decision made with cached rules, checked against the current ones), unprocessed otherwise.
 */
export type ProcessingDecision = boolean | { skipIf: SQL };

/** Returns null when the message was already stored (redelivery). */
export async function storeInbound(db: Db, msg: InboundMessage, processing: ProcessingDecision = true): Promise<StoredInbound | null> {
  const waId = msg.waId ?? null;
  const userId = msg.userId ?? null;
  const name = msg.profileName ?? null;
  const newCitizenId = newId();
  const messageId = newId();
  const conversationId = newId();
  const now = Date.now();
  const mediaFailed = Boolean(msg.errors?.length);
  // The window counts from WhatsApp's timestamp of the message (a redelivery days later must not
  // reopen it); a timestamp from the future is taken as now, so it cannot hold the window open.
  const lastInboundAt = Math.min(msg.sentAt, now);
  const mediaId = msg.media ? newId() : null;

  // The phone number wins over the user id when both match different rows.
  const citizenId = sql`(SELECT id FROM (
      SELECT id, 0 AS rank FROM citizens WHERE wa_id = ${waId}
      UNION ALL SELECT id, 1 AS rank FROM citizens WHERE user_id = ${userId}
    ) ORDER BY rank LIMIT 1)`;
  // Linking an id that another row already holds would break uniqueness: keep the rows apart then.
  const linkUserId = sql`CASE WHEN user_id IS NULL AND NOT EXISTS (SELECT 1 FROM citizens WHERE user_id = excluded.user_id)
      THEN excluded.user_id ELSE user_id END`;
  const linkWaId = sql`CASE WHEN wa_id IS NULL AND NOT EXISTS (SELECT 1 FROM citizens WHERE wa_id = excluded.wa_id)
      THEN excluded.wa_id ELSE wa_id END`;
  const touch = sql`name = coalesce(excluded.name, name),
      last_inbound_at = max(coalesce(last_inbound_at, 0), excluded.last_inbound_at),
      updated_at = excluded.updated_at`;
  const processedAt =
    processing === true ? null : processing === false ? now : sql`CASE WHEN ${processing.skipIf} THEN ${now} ELSE NULL END`;
  const openConversation = sql`(SELECT id FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open' ORDER BY created_at DESC LIMIT 1)`;

  const statements = [
    sql`INSERT INTO citizens (id, wa_id, user_id, name, last_inbound_at, created_at, updated_at)
      VALUES (${newCitizenId}, ${waId}, ${userId}, ${name}, ${lastInboundAt}, ${now}, ${now})
      ON CONFLICT (wa_id) DO UPDATE SET user_id = ${linkUserId}, ${touch}
      ON CONFLICT (user_id) DO UPDATE SET wa_id = ${linkWaId}, ${touch}`,
    sql`INSERT INTO conversations (id, citizen_id, status, last_message_at, created_at)
      SELECT ${conversationId}, ${citizenId}, 'open', ${now}, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE citizen_id = ${citizenId} AND status = 'open')
        AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ${msg.wamid})`,
    // Selecting from the open conversation means a redelivery (whose conversation may be resolved
    // by now, and no new one was opened) inserts nothing instead of failing.
    sql`INSERT INTO messages (id, conversation_id, citizen_id, direction, wamid, type, text, payload, media_id, status, sent_at, created_at, processed_at)
      SELECT ${messageId}, id, citizen_id, 'in', ${msg.wamid}, ${msg.type}, ${msg.text ?? null},
        ${JSON.stringify(payloadOf(msg))}, ${mediaId}, 'received', ${msg.sentAt}, ${now}, ${processedAt}
      FROM conversations WHERE id = ${openConversation}
        AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ${msg.wamid})
      ON CONFLICT (wamid) DO NOTHING`,
    sql`UPDATE conversations SET
        last_message_at = max(last_message_at, ${now}),
        last_message_preview = ${previewOf(msg)},
        unread_count = unread_count + 1
      WHERE id = (SELECT conversation_id FROM messages WHERE id = ${messageId})`,
  ];
  if (msg.media && mediaId) {
    const error = mediaFailed ? (msg.errors?.map((e) => `${e.code} ${e.title ?? ""}`.trim()).join("; ") ?? null) : null;
    statements.push(sql`INSERT INTO media (id, wa_media_id, status, sha256, mime_type, file_name, citizen_id, error, created_at)
      SELECT ${mediaId}, ${msg.media.waMediaId}, ${mediaFailed ? "failed" : "pending"}, ${msg.media.sha256 ?? null},
        ${msg.media.mimeType ?? null}, ${msg.media.filename ?? null}, citizen_id, ${error}, ${now}
      FROM messages WHERE id = ${messageId}`);
  }
  if (msg.type === "system") statements.push(...changedNumber(msg, messageId));
  statements.push(sql`SELECT m.conversation_id AS conversationId, m.citizen_id AS citizenId, c.name AS citizenName,
      m.processed_at IS NULL AS unprocessed
    FROM messages m JOIN citizens c ON c.id = m.citizen_id WHERE m.id = ${messageId}`);

  const results = await batchSql(db, statements);
  const stored = results.at(-1)?.results[0] as
    | { conversationId: string; citizenId: string; citizenName: string | null; unprocessed: number }
    | undefined;
  if (!stored) return null;

  return {
    messageId,
    conversationId: stored.conversationId,
    citizenId: stored.citizenId,
    citizenName: stored.citizenName,
    mediaId,
    mediaPending: Boolean(mediaId) && !mediaFailed,
    needsProcessing: stored.unprocessed === 1,
    view: {
      id: messageId,
      conversationId: stored.conversationId,
      citizenId: stored.citizenId,
      direction: "in",
      type: msg.type,
      text: msg.text ?? null,
      status: "received",
      errorCode: null,
      errorReason: null,
      staffId: null,
      mediaUrl: null,
      mediaStatus: mediaId ? (mediaFailed ? "failed" : "pending") : null,
      mediaMimeType: msg.media?.mimeType ?? null,
      location: msg.location ?? null,
      sentAt: msg.sentAt,
    },
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
function changedNumber(msg: InboundMessage, messageId: string) {
  const system = msg.payload.system as { type?: string; new_wa_id?: string } | undefined;
  if (system?.type !== "user_changed_number" || !system.new_wa_id) return [];
  return [
    sql`UPDATE citizens SET wa_id = ${system.new_wa_id}, updated_at = ${Date.now()}
      WHERE id = (SELECT citizen_id FROM messages WHERE id = ${messageId})
        AND NOT EXISTS (SELECT 1 FROM citizens WHERE wa_id = ${system.new_wa_id})`,
  ];
}
