// Status news that staff can undo: stored as "scheduled" with the time it may go out (notBefore),
// shown at once as "Bürger:in wird benachrichtigt", sent by a delayed queue job (or the minute cron
// when that job is lost). Undo before notBefore marks it "cancelled"; after that it is refused, and
// the send claims the row first, so a message is either undone or sent, never both.
import { sql } from "drizzle-orm";
import type { StaffIdentity } from "../auth/roles";
import { batchSql } from "../db/client";
import { getMessageView, type ConversationTarget } from "./conversations";
import { previewOf } from "./ingest";
import { deliverOutbound, type OutboundContent, type OutboundDeps } from "./outbound";
import type { MessageView } from "../shared/events";
import { Conflict, notFound } from "../shared/errors";
import { newId } from "../shared/ids";

/** How long a clerk can undo a status notification. */
export const UNDO_MS = 10_000;

type Scheduled = Extract<OutboundContent, { type: "text" | "template" }>;

export async function scheduleOutbound(
  deps: OutboundDeps,
  target: Pick<ConversationTarget, "id" | "citizen">,
  content: Scheduled,
  o: { auto: string; requestedBy: string | null },
  now = Date.now(),
): Promise<MessageView> {
  const id = newId();
  const notBefore = now + UNDO_MS;
  const text = content.type === "text" ? content.text : content.preview;
  const payload = {
    auto: o.auto,
    requestedBy: o.requestedBy,
    notBefore,
    scheduled: content,
    ...(content.type === "template" ? { template: { name: content.name, language: content.language, parameters: content.parameters } } : {}),
  };
  // staff_id stays NULL: the system sends it ("Automatisch"); who caused it is in the payload.
  await deps.db.run(sql`INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, payload, status, staff_id, sent_at, created_at)
    VALUES (${id}, ${target.id}, ${target.citizen.id}, 'out', ${content.type}, ${text}, ${JSON.stringify(payload)}, 'scheduled', NULL, ${now}, ${now})`);
  const view = await getMessageView(deps.db, id);
  await deps.publish([{ type: "message.created", conversationId: target.id, message: view, citizenName: target.citizen.name }]);
  if (deps.schedule) {
    // A lost wake-up is caught by the cron (sendDueScheduled); the message is stored either way.
    await deps.schedule(id, Math.ceil(UNDO_MS / 1000)).catch((err: unknown) => console.warn("could not enqueue scheduled message", err));
  }
  return view;
}

interface ClaimedRow {
  conversation_id: string;
  citizen_id: string;
  payload: string;
  wa_id: string | null;
  user_id: string | null;
}

/** Sends one scheduled message if it is due: "sent" (handed to WhatsApp), "not_due" (retry later) or "gone" (undone or sent). */
export async function sendScheduled(deps: OutboundDeps, messageId: string, now = Date.now()): Promise<"sent" | "not_due" | "gone"> {
  const claimed = await deps.db.get<ClaimedRow>(sql`UPDATE messages SET status = 'pending', status_updated_at = ${now}
    WHERE id = ${messageId} AND status = 'scheduled' AND json_extract(payload, '$.notBefore') <= ${now}
    RETURNING conversation_id, citizen_id, payload,
      (SELECT wa_id FROM citizens WHERE id = messages.citizen_id) AS wa_id,
      (SELECT user_id FROM citizens WHERE id = messages.citizen_id) AS user_id`);
  if (!claimed) {
    const row = await deps.db.get<{ status: string }>(sql`SELECT status FROM messages WHERE id = ${messageId}`);
    return row?.status === "scheduled" ? "not_due" : "gone";
  }
  const payload = JSON.parse(claimed.payload) as { scheduled: Scheduled };
  const content = payload.scheduled;
  await batchSql(deps.db, [
    sql`UPDATE conversations SET last_message_at = max(last_message_at, ${now}),
        last_message_preview = ${previewOf({ type: "text", text: content.type === "text" ? content.text : content.preview })}
      WHERE id = ${claimed.conversation_id}`,
  ]);
  await deps.publish([{ type: "message.status", conversationId: claimed.conversation_id, messageId, status: "pending", errorCode: null, errorReason: null }]);
  if (!claimed.wa_id && !claimed.user_id) {
    // Erased meanwhile: nothing to send to.
    await deps.db.run(sql`UPDATE messages SET status = 'cancelled', status_updated_at = ${now} WHERE id = ${messageId}`);
    return "gone";
  }
  await deliverOutbound(deps, { id: messageId, conversationId: claimed.conversation_id, to: { waId: claimed.wa_id, userId: claimed.user_id } }, content);
  return "sent";
}

/** The cron's part: every scheduled message that is due (its queue wake-up may have been lost). */
export async function sendDueScheduled(deps: OutboundDeps, now = Date.now(), limit = 50): Promise<number> {
  const rows = await deps.db.all<{ id: string }>(sql`SELECT id FROM messages
    WHERE status = 'scheduled' AND json_extract(payload, '$.notBefore') <= ${now} ORDER BY created_at LIMIT ${limit}`);
  let sent = 0;
  for (const r of rows) if ((await sendScheduled(deps, r.id, now)) === "sent") sent++;
  return sent;
}

/** Undo: only while the message is still scheduled and before its time; a German 409 after that. */
export async function cancelScheduled(
  deps: Pick<OutboundDeps, "db" | "publish">,
  actor: StaffIdentity,
  conversationId: string,
  messageId: string,
  now = Date.now(),
): Promise<MessageView> {
  const row = await deps.db.get<{ id: string }>(sql`UPDATE messages SET status = 'cancelled', status_updated_at = ${now},
      payload = json_set(payload, '$.cancelledBy', ${actor.id})
    WHERE id = ${messageId} AND conversation_id = ${conversationId} AND status = 'scheduled'
      AND json_extract(payload, '$.notBefore') > ${now}
    RETURNING id`);
  if (!row) {
    const existing = await deps.db.get<{ status: string }>(
      sql`SELECT status FROM messages WHERE id = ${messageId} AND conversation_id = ${conversationId}`,
    );
    if (!existing) throw notFound("Diese Nachricht gibt es nicht. Bitte die Unterhaltung neu laden.");
    if (existing.status === "cancelled") return getMessageView(deps.db, messageId);
    throw new Conflict("too_late", "Die Benachrichtigung ist schon unterwegs und kann nicht mehr zurückgenommen werden. Bitte bei Bedarf eine Richtigstellung schreiben.", {
      status: existing.status,
    });
  }
  await deps.publish([{ type: "message.status", conversationId, messageId, status: "cancelled", errorCode: null, errorReason: null }]);
  return getMessageView(deps.db, messageId);
}
