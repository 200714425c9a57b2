// Sends one message to a citizen and records it: stored first as "pending" (so it shows at once and
// is never lost), then sent through the Graph API with callback data "m:<id>", then marked "sent"
// with its wamid, or "failed" with the reason in German. Status webhooks take it from there.
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import type { MessageView, RoomEvent } from "../shared/events";
import { newId } from "../shared/ids";
import { readStoredMedia } from "../media/serve";
import type { WhatsAppClient } from "../whatsapp/client";
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

  const to = { waId: target.citizen.waId, userId: target.citizen.userId };
  const o = { callbackData: callbackDataFor(id) };
  try {
    const wa = deps.whatsapp();
    let wamid: string;
    if (content.type === "text") {
      ({ wamid } = await wa.sendText(to, content.text, o));
    } else if (content.type === "image") {
      // Our photos are private, so WhatsApp gets the bytes by upload rather than by link.
      const file = await readStoredMedia(deps, content.mediaId);
      const waMediaId = await wa.uploadMedia(file.bytes, file.mimeType, file.fileName);
      ({ wamid } = await wa.sendImage(to, { id: waMediaId }, content.caption ?? undefined, o));
    } else {
      ({ wamid } = await wa.sendTemplate(
        to,
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
    // A status webhook may already have moved it further (it matches by callback data): never go back.
    const row = await db.get<{ status: MessageView["status"] }>(sql`
      UPDATE messages SET wamid = coalesce(wamid, ${wamid}),
        status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END,
        status_updated_at = coalesce(status_updated_at, ${Date.now()})
      WHERE id = ${id} RETURNING status`);
    if (row?.status === "sent") {
      await deps.publish([{ type: "message.status", conversationId: target.id, messageId: id, status: "sent", errorCode: null, errorReason: null }]);
    }
  } catch (err) {
    await recordFailure(deps, target.id, id, err);
  }
  return getMessageView(db, id);
}

async function recordFailure(deps: OutboundDeps, conversationId: string, messageId: string, err: unknown): Promise<void> {
  const graph = err instanceof GraphApiError ? err : null;
  if (!graph) console.error("sending failed", err);
  const code = graph ? graph.code : null;
  const title = graph ? (graph.details || graph.title || null) : "Interner Fehler beim Senden";
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE messages SET status = 'failed', error_code = ${code}, error_title = ${title}, status_updated_at = ${Date.now()}
    WHERE id = ${messageId} AND status = 'pending' RETURNING id`);
  if (row) {
    await deps.publish([
      { type: "message.status", conversationId, messageId, status: "failed", errorCode: code, errorReason: failureReason(code, title) },
    ]);
  }
  const alert = await alertOnAuthError(deps.db, err);
  if (alert) await deps.publish([alert]);
}
