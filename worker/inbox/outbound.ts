// Sends one message to a citizen and records it: stored first as "pending" (so it shows at once and
// is never lost), then sent through the Graph API with callback data "m:<id>", then marked "sent"
// with its wamid, "failed" with the reason in German, or "unconfirmed" when WhatsApp's answer was
// lost (docs/delivery-guarantees.md). Status webhooks take it from there.
import type { StaffNotice } from "../shared/staff-notice";
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import type { MessageView, RoomEvent } from "../shared/events";
import { newId } from "../shared/ids";
import { readStoredMedia } from "../media/serve";
import type { Recipient, WhatsAppClient } from "../whatsapp/client";
import { GraphApiError } from "../whatsapp/errors";
import { alertOnAuthError } from "../alerts/admin-alerts";
import { failureReason } from "./failure-reasons";
import { previewOf } from "./ingest";
import { getMessageView, type ConversationTarget } from "./conversations";

export interface OutboundDeps {
  db: Db;
  bucket: R2Bucket;
  /** Created lazily: reading the inbox must work even while WhatsApp is not configured. */
  whatsapp: () => WhatsAppClient;
  publish: (events: RoomEvent[]) => Promise<unknown>;
  /** Wakes the sender of a scheduled message after `delaySeconds` (the queue); the cron is the fallback. */
  schedule?: (messageId: string, delaySeconds: number) => Promise<void>;
  /** Queues a staff notification (push module); never throws. */
  notice?: (notice: StaffNotice) => Promise<void>;
}

export type OutboundContent =
  | { type: "text"; text: string }
  | { type: "image"; mediaId: string; caption: string | null }
  | { type: "template"; name: string; language: string; parameters: string[]; preview: string };

export function callbackDataFor(messageId: string): string {
  return `m:${messageId}`;
}

export async function sendOutbound(
  deps: OutboundDeps,
  target: Pick<ConversationTarget, "id" | "citizen">,
  content: OutboundContent,
  staffId: string | null,
): Promise<MessageView> {
  const { db } = deps;
  const id = newId();
  const now = Date.now();
  const text = content.type === "text" ? content.text : content.type === "image" ? content.caption : content.preview;
  const payload =
    content.type === "template"
      ? { template: { name: content.name, language: content.language, parameters: content.parameters } }
      : content.type === "image"
        ? { media: { type: "image", caption: content.caption } }
        : {};
  const mediaId = content.type === "image" ? content.mediaId : null;
  await batchSql(db, [
    sql`INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, payload, media_id, status, staff_id, sent_at, created_at)
      VALUES (${id}, ${target.id}, ${target.citizen.id}, 'out', ${content.type}, ${text}, ${JSON.stringify(payload)}, ${mediaId},
        'pending', ${staffId}, ${now}, ${now})`,
    sql`UPDATE conversations SET last_message_at = max(last_message_at, ${now}),
        last_message_preview = ${previewOf({ type: content.type === "image" ? "image" : "text", text: text ?? undefined })}
      WHERE id = ${target.id}`,
  ]);
  await deps.publish([
    { type: "message.created", conversationId: target.id, message: await getMessageView(db, id), citizenName: target.citizen.name },
  ]);

  await deliverOutbound(deps, { id, conversationId: target.id, to: { waId: target.citizen.waId, userId: target.citizen.userId } }, content);
  return getMessageView(db, id);
}

/**
 * Sends a stored outbound message (status `pending`) and records WhatsApp's answer: `sent` with the
 * wamid, `failed` on a refusal, or `unconfirmed` when the answer was lost after the request may have
 * reached WhatsApp. An unconfirmed message is not sent again here: its status webhook settles it, or
 * the cron sends it again after the wait (unconfirmed.ts).
 */
export async function deliverOutbound(
  deps: OutboundDeps,
  m: { id: string; conversationId: string; to: Recipient },
  content: OutboundContent,
): Promise<void> {
  const { db } = deps;
  const o = { callbackData: callbackDataFor(m.id) };
  let wamid: string;
  try {
    const wa = deps.whatsapp();
    if (content.type === "text") {
      ({ wamid } = await wa.sendText(m.to, content.text, o));
    } else if (content.type === "image") {
      // Our photos are private, so WhatsApp gets the bytes by upload rather than by link. A failed
      // upload sent nothing to the citizen, so it is a plain failure even without an answer.
      const file = await readStoredMedia(deps, content.mediaId);
      const waMediaId = await wa.uploadMedia(file.bytes, file.mimeType, file.fileName).catch((err: unknown) => {
        throw new UploadFailed(err);
      });
      ({ wamid } = await wa.sendImage(m.to, { id: waMediaId }, content.caption ?? undefined, o));
    } else {
      ({ wamid } = await wa.sendTemplate(
        m.to,
        {
          name: content.name,
          language: content.language,
          components: content.parameters.length
            ? [{ type: "body", parameters: content.parameters.map((p) => ({ type: "text", text: p })) }]
            : [],
        },
        o,
      ));
    }
  } catch (err) {
    if (err instanceof GraphApiError && err.ambiguous) return recordUnconfirmed(deps, m.conversationId, m.id, err);
    return recordFailure(deps, m.conversationId, m.id, err instanceof UploadFailed ? err.cause : err);
  }
  // A status webhook may already have moved it further (it matches by callback data): never go back.
  const row = await db.get<{ status: MessageView["status"] }>(sql`
    UPDATE messages SET wamid = coalesce(wamid, ${wamid}),
      status = CASE WHEN status IN ('pending', 'unconfirmed') THEN 'sent' ELSE status END,
      error_code = CASE WHEN status IN ('pending', 'unconfirmed') THEN NULL ELSE error_code END,
      error_title = CASE WHEN status IN ('pending', 'unconfirmed') THEN NULL ELSE error_title END,
      status_updated_at = ${Date.now()}
    WHERE id = ${m.id} RETURNING status`);
  if (row?.status === "sent") {
    await deps.publish([{ type: "message.status", conversationId: m.conversationId, messageId: m.id, status: "sent", errorCode: null, errorReason: null }]);
  }
}

/** The upload before a photo send failed: nothing reached the citizen. */
class UploadFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("media upload failed", { cause });
  }
}

async function recordUnconfirmed(deps: OutboundDeps, conversationId: string, messageId: string, err: GraphApiError): Promise<void> {
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE messages SET status = 'unconfirmed', error_code = ${err.code}, error_title = ${err.details || err.title || null},
      status_updated_at = ${Date.now()}
    WHERE id = ${messageId} AND status = 'pending' RETURNING id`);
  if (row) {
    await deps.publish([{ type: "message.status", conversationId, messageId, status: "unconfirmed", errorCode: null, errorReason: null }]);
  }
}

async function recordFailure(deps: Pick<OutboundDeps, "db" | "publish">, conversationId: string, messageId: string, err: unknown): Promise<void> {
  const graph = err instanceof GraphApiError ? err : null;
  if (!graph) console.error("sending failed", err);
  const code = graph ? graph.code : null;
  const title = graph ? (graph.details || graph.title || null) : "Interner Fehler beim Senden";
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE messages SET status = 'failed', error_code = ${code}, error_title = ${title}, status_updated_at = ${Date.now()}
    WHERE id = ${messageId} AND status IN ('pending', 'unconfirmed') RETURNING id`);
  if (row) {
    await deps.publish([
      { type: "message.status", conversationId, messageId, status: "failed", errorCode: code, errorReason: failureReason(code, title) },
    ]);
  }
  const alert = await alertOnAuthError(deps.db, err);
  if (alert) await deps.publish([alert]);
}
