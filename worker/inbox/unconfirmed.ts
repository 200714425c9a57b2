// Outbound messages whose send was never confirmed: WhatsApp's answer was lost (`unconfirmed`, staff
// messages and bot replies), or the Worker died during a staff message's send (still `pending`). Either may have reached the citizen, and every
// message WhatsApp accepted is reported by a status webhook carrying "m:<id>" (statuses.ts), which
// settles it. Only when no such evidence came within the wait does the minute cron send it again,
// at most MAX_RESENDS times; after that it is marked failed so staff can ask the citizen.
// The one residual risk: WhatsApp accepted it but its status webhook came later than the wait →
// the citizen gets it twice (docs/delivery-guarantees.md).
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { deliverOutbound, type OutboundContent, type OutboundDeps } from "./outbound";

/** Automatic re-sends of one message before it is given up. */
export const MAX_RESENDS = 2;
/** Messages handled per cron run (each is one Graph call; the rest waits for the next minute). */
const PER_RUN = 20;

export const GIVEN_UP_TITLE = "WhatsApp hat den Versand nie bestätigt – bitte bei der Person nachfragen, ob die Nachricht angekommen ist";

interface UnsettledRow {
  id: string;
  conversation_id: string;
  type: string;
  text: string | null;
  payload: string | null;
  media_id: string | null;
  wa_id: string | null;
  user_id: string | null;
}

const payloadSchema = z
  .object({
    template: z.object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) }).optional(),
    media: z.object({ caption: z.string().nullable().optional() }).optional(),
  })
  .passthrough();

/** The content to send again, rebuilt from the stored row; null for kinds this module does not send. */
export function contentOf(row: Pick<UnsettledRow, "type" | "text" | "payload" | "media_id">): OutboundContent | null {
  const parsed = payloadSchema.safeParse(parseJson(row.payload) ?? {});
  const payload = parsed.success ? parsed.data : {};
  if (row.type === "text" && row.text) return { type: "text", text: row.text };
  if (row.type === "image" && row.media_id) return { type: "image", mediaId: row.media_id, caption: payload.media?.caption ?? null };
  if (row.type === "template" && payload.template) return { type: "template", ...payload.template, preview: row.text ?? payload.template.name };
  return null;
}

/**
 * Outbound messages unsettled since before `before`: unconfirmed ones, and staff messages still
 * pending (a crash during the send). A bot reply still pending belongs to its job, which holds a lease.
 */
const unsettled = (before: number) => sql`status IN ('pending', 'unconfirmed') AND direction = 'out'
  AND coalesce(status_updated_at, created_at) < ${before}
  AND (status = 'unconfirmed' OR json_extract(payload, '$.bot') IS NULL)`;

export interface ResendDeps extends OutboundDeps {
  /** Hands a bot reply back to its inbound message's job, which sends it (citizens/bot-replies.ts). */
  retryBotReply: (inboundMessageId: string) => Promise<void>;
}

/** A stored payload; a malformed one must not stop the cron for every other message. */
function parseJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function botReplyTo(payload: string | null): string | null {
  const parsed = z.object({ bot: z.literal(true), inReplyTo: z.string() }).safeParse(parseJson(payload));
  return parsed.success ? parsed.data.inReplyTo : null;
}

/** Sends again what waited longer than `waitMs` without confirmation. Returns how many were sent again. */
export async function resendUnconfirmed(deps: ResendDeps, now: number, waitMs: number): Promise<number> {
  const before = now - waitMs;
  await giveUp(deps, before, now);
  const candidates = await deps.db.all<{ id: string }>(sql`
    SELECT id FROM messages WHERE ${unsettled(before)} ORDER BY created_at LIMIT ${PER_RUN}`);
  let resent = 0;
  for (const { id } of candidates) {
    // Claimed by one conditional update (back to pending, the wait starts again): two cron runs
    // never send the same message, and a status webhook that came meanwhile wins. A bot reply's
    // lease (status_updated_at) is left free for its job.
    const row = await deps.db.get<UnsettledRow>(sql`
      UPDATE messages SET status = 'pending',
        status_updated_at = CASE WHEN json_extract(payload, '$.bot') IS NULL THEN ${now} ELSE NULL END,
        payload = json_set(coalesce(payload, '{}'), '$.resends', coalesce(json_extract(payload, '$.resends'), 0) + 1)
      WHERE id = ${id} AND ${unsettled(before)}
      RETURNING id, conversation_id, type, text, payload, media_id,
        (SELECT wa_id FROM citizens WHERE citizens.id = messages.citizen_id) AS wa_id,
        (SELECT user_id FROM citizens WHERE citizens.id = messages.citizen_id) AS user_id`);
    if (!row) continue;
    const inReplyTo = botReplyTo(row.payload);
    if (inReplyTo) {
      await deps.retryBotReply(inReplyTo);
      resent++;
      continue;
    }
    const content = contentOf(row);
    if (!content || (!row.wa_id && !row.user_id)) {
      await markGivenUp(deps.db, row.id, now, "Kann nicht erneut gesendet werden");
      continue;
    }
    await deliverOutbound(deps, { id: row.id, conversationId: row.conversation_id, to: { waId: row.wa_id, userId: row.user_id } }, content);
    resent++;
  }
  return resent;
}

async function giveUp(deps: Pick<OutboundDeps, "db" | "publish">, before: number, now: number): Promise<void> {
  const rows = await deps.db.all<{ id: string; conversation_id: string }>(sql`
    UPDATE messages SET status = 'failed', error_code = NULL, error_title = ${GIVEN_UP_TITLE}, status_updated_at = ${now}
    WHERE ${unsettled(before)} AND coalesce(json_extract(payload, '$.resends'), 0) >= ${MAX_RESENDS}
    RETURNING id, conversation_id`);
  if (rows.length === 0) return;
  await deps.publish(
    rows.map((r) => ({ type: "message.status", conversationId: r.conversation_id, messageId: r.id, status: "failed", errorCode: null, errorReason: GIVEN_UP_TITLE })),
  );
}

async function markGivenUp(db: Db, id: string, now: number, title: string): Promise<void> {
  await db.run(sql`UPDATE messages SET status = 'failed', error_code = NULL, error_title = ${title}, status_updated_at = ${now}
    WHERE id = ${id} AND status = 'pending'`);
}
