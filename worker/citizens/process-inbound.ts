// The "inbound.process" job: every stored inbound message passes here once. Keywords and menu
// taps change subscriptions and get a bot reply; everything else is left alone (it is already in
// the staff inbox). Idempotent: the claim on messages.processed_at, the subscription change, the
// consent events and the stored reply are one D1 batch, so a redelivered job never applies a change
// or replies twice; only a reply that could not be sent yet is sent again (see bot-replies.ts).
// Consent changes carry the message's WhatsApp timestamp: an older message never overrides a newer
// change, whatever order the jobs run in (subscriptions.ts, docs/inbound.md).
import { eq, sql } from "drizzle-orm";
import { batchSql } from "../db/client";
import { citizens, messages } from "../db/schema";
import { deliverReply, loadReply, publishReplyCreated, replacePendingReply, replyIdFor, storeReplyStatements, type ReplyDeps } from "./bot-replies";
import { planKeywordAction, type KeywordAction } from "./keywords/actions";
import type { CalendarQuestionHandler } from "./keywords/calendar-question";
import { activeChannelIds, loggedOutcome, subscriptionChangeStatements, type ConsentOutcome } from "./subscriptions";

export type ProcessResult =
  | { result: "not_found" | "already_processed" | "not_a_keyword" }
  | { result: "handled"; command: KeywordAction["command"]; delivery: "sent" | "unconfirmed" | "failed" | "nothing_to_do" }
  | { result: "teaser"; outcome: string }
  | { result: "retry"; retryAfterSeconds: number };

/** A tap on "Weiterlesen" of a broadcast template (payload "tw:more:<broadcastId>"), handled by the broadcasts module. */
export const TEASER_PREFIX = "tw:more:";
export type TeaserTapHandler = (tap: { citizenId: string; broadcastId: string }) => Promise<string>;

/**
 * A conversation that holds nothing but bot-handled messages (keywords answered, teaser taps) needs
 * no staff: it is resolved (and reopens as a new one when the citizen writes anything else).
 */
const resolveIfOnlyBot = (conversationId: string, guard: ReturnType<typeof sql>, now: number) =>
  sql`UPDATE conversations SET status = 'resolved', resolved_at = ${now}
      WHERE id = ${conversationId} AND ${guard} AND status = 'open' AND assignee_id IS NULL AND report_category IS NULL
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ${conversationId} AND (
          m.direction = 'note'
          OR (m.direction = 'out' AND m.staff_id IS NOT NULL)
          OR (m.direction = 'in' AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.id = 're_' || m.id)
              AND NOT (m.type = 'button' AND coalesce(json_extract(m.payload, '$.replyId'), '') LIKE ${`${TEASER_PREFIX}%`}))))`;

export async function processInboundMessage(
  deps: ReplyDeps & { onTeaserTap?: TeaserTapHandler; onCalendarQuestion?: CalendarQuestionHandler },
  messageId: string,
  attempts = 1,
): Promise<ProcessResult> {
  const { db } = deps;
  const row = await db
    .select({
      id: messages.id,
      direction: messages.direction,
      type: messages.type,
      text: messages.text,
      payload: messages.payload,
      wamid: messages.wamid,
      conversationId: messages.conversationId,
      processedAt: messages.processedAt,
      citizenId: messages.citizenId,
      sentAt: messages.sentAt,
      locale: citizens.locale,
    })
    .from(messages)
    .innerJoin(citizens, eq(citizens.id, messages.citizenId))
    .where(eq(messages.id, messageId))
    .get();
  if (!row) return { result: "not_found" };

  const replyId = replyIdFor(row.id);
  if (row.processedAt !== null) {
    // Processed before; a reply that is still pending (send failed or crashed) is retried.
    const outcome = await deliverReply(deps, replyId, { attempts, leaseHeld: false });
    if (typeof outcome === "object") return { result: "retry", ...outcome };
    return { result: "already_processed" };
  }

  const now = Date.now();
  const claim = sql`UPDATE messages SET processed_at = ${now} WHERE id = ${row.id} AND processed_at IS NULL`;
  const replyIdOf = typeof row.payload?.replyId === "string" ? row.payload.replyId : null;
  if (row.direction === "in" && row.type === "button" && replyIdOf?.startsWith(TEASER_PREFIX) && deps.onTeaserTap) {
    // Before keywords: the button's text ("Weiterlesen") must never be taken for one.
    const guard = sql`(SELECT processed_at FROM messages WHERE id = ${row.id}) = ${now}`;
    const results = await batchSql(db, [
      claim,
      sql`UPDATE conversations SET unread_count = max(unread_count - 1, 0) WHERE id = ${row.conversationId} AND ${guard}`,
      resolveIfOnlyBot(row.conversationId, guard, now),
    ]);
    if ((results[0]?.meta.changes ?? 0) === 0) return { result: "already_processed" };
    if ((results.at(-1)?.meta.changes ?? 0) > 0) {
      await deps.publish([{ type: "conversation.resolved", conversationId: row.conversationId, staffId: null }]);
    }
    const outcome = await deps.onTeaserTap({ citizenId: row.citizenId, broadcastId: replyIdOf.slice(TEASER_PREFIX.length) });
    return { result: "teaser", outcome };
  }
  const action =
    row.direction === "in"
      ? await planKeywordAction(db, {
          citizenId: row.citizenId,
          wamid: row.wamid,
          type: row.type,
          text: row.text,
          replyId: typeof row.payload?.replyId === "string" ? row.payload.replyId : null,
          locale: row.locale,
          sentAt: row.sentAt,
        }, deps.onCalendarQuestion)
      : null;

  if (!action) {
    await batchSql(db, [claim]);
    return { result: "not_a_keyword" };
  }

  // Everything after the claim only happens if this run's claim is the one stored.
  const guard = sql`(SELECT processed_at FROM messages WHERE id = ${row.id}) = ${now}`;
  const statements = [
    claim,
    ...(action.change
      ? subscriptionChangeStatements(
          { ...action.change, citizenId: row.citizenId, messageWamid: row.wamid, actedAt: row.sentAt },
          now,
          guard,
        )
      : []),
    sql`UPDATE citizens SET locale = ${action.lang}, updated_at = ${now} WHERE id = ${row.citizenId} AND ${guard}`,
    ...storeReplyStatements({
      replyId,
      inboundMessageId: row.id,
      conversationId: row.conversationId,
      citizenId: row.citizenId,
      reply: action.reply,
      now,
      guard,
    }),
  ];
  // The bot answered: the keyword needs no staff attention. A conversation that holds nothing but
  // keyword exchanges is resolved (it reopens as a new one when the citizen writes anything else).
  statements.push(
    sql`UPDATE conversations SET unread_count = max(unread_count - 1, 0) WHERE id = ${row.conversationId} AND ${guard}`,
    resolveIfOnlyBot(row.conversationId, guard, now),
  );
  const results = await batchSql(db, statements);
  if ((results[0]?.meta.changes ?? 0) === 0) return { result: "already_processed" };
  if ((results.at(-1)?.meta.changes ?? 0) > 0) {
    await deps.publish([{ type: "conversation.resolved", conversationId: row.conversationId, staffId: null }]);
  }

  if (action.predicted && row.wamid) {
    // A concurrent change of the same citizen between planning and the batch makes the planned
    // reply wrong: answer with what was really logged (the reply is pending and ours, not sent yet).
    const logged = await loggedOutcome(db, row.citizenId, row.wamid);
    if (!sameOutcome(logged, action.predicted)) {
      await replacePendingReply(db, replyId, action.replyFor(logged, await activeChannelIds(db, row.citizenId)));
    }
  }
  const loaded = await loadReply(db, replyId);
  await publishReplyCreated(deps, replyId, loaded);
  const delivery = await deliverReply(deps, replyId, { attempts, leaseHeld: true, loaded });
  if (typeof delivery === "object") return { result: "retry", ...delivery };
  return { result: "handled", command: action.command, delivery };
}

function sameOutcome(a: ConsentOutcome, b: ConsentOutcome): boolean {
  const key = (o: ConsentOutcome) => JSON.stringify([[...o.applied].sort(), [...o.superseded].sort()]);
  return key(a) === key(b);
}
