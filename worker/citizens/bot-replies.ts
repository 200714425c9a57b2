// The bot's replies as outbound messages: stored in the citizen's conversation (staff see them),
// sent through the Graph API with callback data "m:<messageId>" (so status webhooks find them),
// and sent at most once: while a reply is pending, status_updated_at is a short lease that only one
// worker holds at a time, and a redelivered job that finds the lease taken waits instead of sending.
// A reply whose answer was lost becomes `unconfirmed` and is not sent again by the job: the status
// webhook settles it, or the cron hands it back to the job after the wait (inbox/unconfirmed.ts).
import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { citizens, MESSAGE_STATUSES, messages, type MessageStatus } from "../db/schema";
import { failureReason } from "../inbox/failure-reasons";
import { toMessageView } from "../inbox/views";
import type { RoomEvent } from "../shared/events";
import type { WhatsAppClient } from "../whatsapp/client";
import { GraphApiError, RateLimitedError } from "../whatsapp/errors";
import { replyText, type Reply } from "./replies";

export const MAX_REPLY_ATTEMPTS = 5;
const LEASE_MS = 60_000;

export interface ReplyDeps {
  db: Db;
  whatsapp: WhatsAppClient;
  publish: (events: RoomEvent[]) => Promise<unknown>;
}

/** The reply to an inbound message has a fixed id: a second insert for the same message is impossible. */
export const replyIdFor = (inboundMessageId: string) => `re_${inboundMessageId}`;

const replySchema: z.ZodType<Reply> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({
    kind: z.literal("list"),
    header: z.string(),
    body: z.string(),
    button: z.string(),
    rows: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })),
  }),
  z.object({ kind: z.literal("buttons"), body: z.string(), buttons: z.array(z.object({ id: z.string(), title: z.string() })) }),
]);

const PREVIEW_LENGTH = 140;

/** Statements that store the reply (pending, lease taken) and bump the conversation; guarded. */
export function storeReplyStatements(o: {
  replyId: string;
  inboundMessageId: string;
  conversationId: string;
  citizenId: string;
  reply: Reply;
  now: number;
  guard: SQL;
}): SQL[] {
  const text = replyText(o.reply);
  const type = o.reply.kind === "text" ? "text" : "interactive";
  const payload = JSON.stringify({ bot: true, inReplyTo: o.inboundMessageId, reply: o.reply });
  const preview = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
  return [
    sql`INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, payload, status, sent_at, created_at, status_updated_at)
      SELECT ${o.replyId}, ${o.conversationId}, ${o.citizenId}, 'out', ${type}, ${text}, ${payload}, 'pending', ${o.now}, ${o.now}, ${o.now}
      WHERE ${o.guard}
      ON CONFLICT (id) DO NOTHING`,
    sql`UPDATE conversations SET last_message_at = max(last_message_at, ${o.now}), last_message_preview = ${preview}
      WHERE id = ${o.conversationId} AND ${o.guard}`,
  ];
}

/** Rewrites a reply that is still pending (before it is sent), e.g. when the consent outcome differed from the plan. */
export async function replacePendingReply(db: Db, replyId: string, reply: Reply): Promise<void> {
  const text = replyText(reply);
  const type = reply.kind === "text" ? "text" : "interactive";
  const row = await db.get<{ payload: string | null }>(sql`SELECT payload FROM messages WHERE id = ${replyId} AND status = 'pending'`);
  if (!row) return;
  const payload = { ...(row.payload ? (JSON.parse(row.payload) as Record<string, unknown>) : {}), reply };
  await db.run(sql`UPDATE messages SET text = ${text}, type = ${type}, payload = ${JSON.stringify(payload)}
    WHERE id = ${replyId} AND status = 'pending'`);
}

/** A reply with what publishing and sending it need (one read serves both). */
export async function loadReply(db: Db, replyId: string) {
  return db
    .select({ message: messages, citizenName: citizens.name, waId: citizens.waId, userId: citizens.userId })
    .from(messages)
    .innerJoin(citizens, eq(citizens.id, messages.citizenId))
    .where(eq(messages.id, replyId))
    .get();
}
export type LoadedReply = NonNullable<Awaited<ReturnType<typeof loadReply>>>;

export async function publishReplyCreated(deps: Pick<ReplyDeps, "db" | "publish">, replyId: string, loaded?: LoadedReply): Promise<void> {
  const row = loaded ?? (await loadReply(deps.db, replyId));
  if (!row) return;
  await deps.publish([
    {
      type: "message.created",
      conversationId: row.message.conversationId,
      citizenName: row.citizenName,
      message: toMessageView(row.message, null, failureReason),
    },
  ]);
}

/** `unconfirmed`: the answer was lost; not sent again here (inbox/unconfirmed.ts waits for the status webhook). */
export type DeliverOutcome = "sent" | "unconfirmed" | "failed" | "nothing_to_do" | { retryAfterSeconds: number };

/**
 * Sends a pending reply. `leaseHeld` is true right after storing it (the insert took the lease);
 * a redelivered job passes false and must win the lease first.
 */
export async function deliverReply(
  deps: ReplyDeps,
  replyId: string,
  o: { attempts: number; leaseHeld: boolean; /** Read right after storing it (lease held): not read again. */ loaded?: LoadedReply },
): Promise<DeliverOutcome> {
  const { db } = deps;
  const now = Date.now();
  if (!o.leaseHeld) {
    const pending = await db.get<{ id: string; lease: number | null }>(
      sql`SELECT id, status_updated_at AS lease FROM messages WHERE id = ${replyId} AND status = 'pending'`,
    );
    if (!pending) return "nothing_to_do";
    const won = await db.get<{ id: string }>(sql`UPDATE messages SET status_updated_at = ${now}
      WHERE id = ${replyId} AND status = 'pending' AND (status_updated_at IS NULL OR status_updated_at < ${now - LEASE_MS})
      RETURNING id`);
    if (!won) return { retryAfterSeconds: Math.ceil(LEASE_MS / 1000) };
  }
  const row = (o.leaseHeld ? o.loaded : undefined) ?? (await loadReply(db, replyId));
  if (!row || row.message.status !== "pending") return "nothing_to_do";
  const parsed = replySchema.safeParse((row.message.payload as { reply?: unknown } | null)?.reply);
  if (!parsed.success) return markFailed(deps, row.message.id, row.message.conversationId, null, "Antwort konnte nicht gelesen werden");
  if (!row.waId && !row.userId) {
    return markFailed(deps, row.message.id, row.message.conversationId, null, "Keine WhatsApp-Adresse (Person gelöscht)");
  }

  const to = { waId: row.waId, userId: row.userId };
  const opts = { callbackData: `m:${replyId}` };
  try {
    const reply = parsed.data;
    const { wamid } =
      reply.kind === "text"
        ? await deps.whatsapp.sendText(to, reply.text, opts)
        : reply.kind === "buttons"
          ? await deps.whatsapp.sendInteractiveButtons(to, { body: reply.body, buttons: reply.buttons }, opts)
          : await deps.whatsapp.sendInteractiveList(
              to,
              { header: reply.header, body: reply.body, button: reply.button, sections: [{ rows: reply.rows }] },
              opts,
            );
    const updated = await db.get<{ status: string }>(sql`UPDATE messages SET
        wamid = coalesce(wamid, ${wamid}),
        status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END,
        status_updated_at = ${Date.now()}
      WHERE id = ${replyId} RETURNING status`);
    await deps.publish([
      {
        type: "message.status",
        conversationId: row.message.conversationId,
        messageId: replyId,
        status: asStatus(updated?.status),
        errorCode: null,
        errorReason: null,
      },
    ]);
    return "sent";
  } catch (err) {
    if (!(err instanceof GraphApiError)) throw err;
    if (err.ambiguous) return markUnconfirmed(deps, replyId, row.message.conversationId);
    if (err.retryable && o.attempts < MAX_REPLY_ATTEMPTS) {
      // Give the lease back so the retry can take it at once.
      await db.run(sql`UPDATE messages SET status_updated_at = NULL WHERE id = ${replyId} AND status = 'pending'`);
      // A citizen waits for this answer: retry soon. A 130429 needs no long pause of its own: every
      // send takes a permit from the Pacer, which slows the whole number when refusals pile up.
      const delay = err instanceof RateLimitedError ? 2 : Math.min(2 ** o.attempts, 60);
      return { retryAfterSeconds: delay };
    }
    return markFailed(deps, replyId, row.message.conversationId, err.code, err.details || err.title || err.message);
  }
}

/** It may have reached the citizen: wait for the status webhook rather than send it again now. */
async function markUnconfirmed(deps: Pick<ReplyDeps, "db" | "publish">, replyId: string, conversationId: string): Promise<"unconfirmed"> {
  await deps.db.run(sql`UPDATE messages SET status = 'unconfirmed', status_updated_at = ${Date.now()} WHERE id = ${replyId} AND status = 'pending'`);
  await deps.publish([{ type: "message.status", conversationId, messageId: replyId, status: "unconfirmed", errorCode: null, errorReason: null }]);
  return "unconfirmed";
}

async function markFailed(
  deps: Pick<ReplyDeps, "db" | "publish">,
  replyId: string,
  conversationId: string,
  code: number | null,
  title: string,
): Promise<"failed"> {
  await deps.db.run(sql`UPDATE messages SET status = 'failed', error_code = ${code}, error_title = ${title}, status_updated_at = ${Date.now()}
    WHERE id = ${replyId} AND status IN ('pending', 'unconfirmed')`);
  await deps.publish([
    { type: "message.status", conversationId, messageId: replyId, status: "failed", errorCode: code, errorReason: failureReason(code, title) },
  ]);
  return "failed";
}

/** A status webhook may have moved the reply on already (delivered/read): report what is stored. */
function asStatus(stored: string | undefined): MessageStatus {
  const found = MESSAGE_STATUSES.find((s) => s === stored);
  return found && found !== "pending" && found !== "unconfirmed" ? found : "sent";
}
