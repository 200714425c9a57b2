// Who works on a conversation. Every change is one conditional UPDATE, so it is decided atomically
// in D1: of two staff claiming at once exactly one wins, and the other learns who holds it.
import { sql } from "drizzle-orm";
import type { StaffIdentity } from "../auth/roles";
import type { Db } from "../db/client";
import type { RoomEvent } from "../shared/events";
import type { StaffNotice } from "../shared/staff-notice";
import { Conflict, InvalidState, NotFound } from "../shared/errors";
import { getConversation, getTarget, type ConversationDetail, type ConversationTarget } from "./conversations";

export interface InboxStateDeps {
  db: Db;
  /** Sends events to the InboxRoom; never throws (see publish.ts). */
  publish: (events: RoomEvent[]) => Promise<unknown>;
  /** Queues a staff notification (push module); never throws. */
  notice?: (notice: StaffNotice) => Promise<void>;
}

export function claimedByOther(target: Pick<ConversationTarget, "assigneeId" | "assigneeName">, code = "claimed_by_other"): Conflict {
  const name = target.assigneeName ?? "jemand anderes";
  return new Conflict(
    code,
    code === "already_claimed"
      ? `${name} bearbeitet diese Unterhaltung bereits`
      : `${name} bearbeitet diese Unterhaltung. Zum Antworten bitte ausdrücklich übernehmen.`,
    { assignee: { id: target.assigneeId, name } },
  );
}

const resolvedError = () =>
  new InvalidState("conversation_resolved", "Die Unterhaltung ist erledigt. Bitte zuerst wieder öffnen.");

/** Claims for `actor`: succeeds if nobody (or the actor) holds it; 409 already_claimed otherwise. */
export async function claimConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string): Promise<ConversationDetail> {
  const now = Date.now();
  const row = await deps.db.get<{ claimed_at: number }>(sql`
    UPDATE conversations
    SET assignee_id = ${actor.id},
        claimed_at = CASE WHEN assignee_id = ${actor.id} THEN claimed_at ELSE ${now} END
    WHERE id = ${id} AND status = 'open' AND (assignee_id IS NULL OR assignee_id = ${actor.id})
    RETURNING claimed_at`);
  if (!row) {
    const target = await getTarget(deps.db, id);
    if (target.status !== "open") throw resolvedError();
    throw claimedByOther(target, "already_claimed");
  }
  if (row.claimed_at === now) {
    await deps.publish([{ type: "conversation.claimed", conversationId: id, staffId: actor.id, staffName: actor.name }]);
  }
  return getConversation(deps.db, id);
}

/**
 * Makes sure `actor` holds the conversation before replying. Unclaimed → claimed for the actor;
 * held by someone else → 409 claimed_by_other unless `takeover`, which moves it to the actor.
 */
export async function ensureHolder(
  deps: InboxStateDeps,
  actor: StaffIdentity,
  target: ConversationTarget,
  takeover: boolean,
): Promise<void> {
  if (target.status !== "open") throw resolvedError();
  if (target.assigneeId === actor.id) return;
  const now = Date.now();
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE conversations SET assignee_id = ${actor.id}, claimed_at = ${now}
    WHERE id = ${target.id} AND status = 'open'
      AND (assignee_id IS NULL OR assignee_id = ${actor.id} OR ${takeover ? 1 : 0} = 1)
    RETURNING id`);
  if (!row) {
    const fresh = await getTarget(deps.db, target.id);
    if (fresh.status !== "open") throw resolvedError();
    throw claimedByOther(fresh);
  }
  await deps.publish([{ type: "conversation.claimed", conversationId: target.id, staffId: actor.id, staffName: actor.name }]);
}

/** Gives the conversation back to the team. Only the holder may (admins may release anyone's). */
export async function releaseConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string): Promise<ConversationDetail> {
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE conversations SET assignee_id = NULL, claimed_at = NULL
    WHERE id = ${id} AND assignee_id IS NOT NULL AND (assignee_id = ${actor.id} OR ${actor.role === "admin" ? 1 : 0} = 1)
    RETURNING id`);
  if (row) {
    await deps.publish([{ type: "conversation.released", conversationId: id, staffId: actor.id }]);
    return getConversation(deps.db, id);
  }
  const target = await getTarget(deps.db, id);
  if (target.assigneeId && target.assigneeId !== actor.id) throw claimedByOther(target);
  return getConversation(deps.db, id); // nobody held it: nothing to do
}

/** Marks the conversation as done. Anyone may; the citizen's next message opens a new one. */
export async function resolveConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string): Promise<ConversationDetail> {
  const now = Date.now();
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE conversations SET status = 'resolved', resolved_at = ${now}, unread_count = 0
    WHERE id = ${id} AND status = 'open'
    RETURNING id`);
  if (row) await deps.publish([{ type: "conversation.resolved", conversationId: id, staffId: actor.id }]);
  return getConversation(deps.db, id); // 404 when it does not exist; already resolved is fine
}

/** Opens a resolved conversation again, unless the citizen already has another open one. */
export async function reopenConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string): Promise<ConversationDetail> {
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE conversations SET status = 'open', resolved_at = NULL
    WHERE id = ${id} AND status = 'resolved'
      AND NOT EXISTS (SELECT 1 FROM conversations o WHERE o.citizen_id = conversations.citizen_id AND o.status = 'open')
    RETURNING id`);
  if (row) {
    await deps.publish([{ type: "conversation.reopened", conversationId: id, staffId: actor.id }]);
    return getConversation(deps.db, id);
  }
  const current = await getConversation(deps.db, id);
  if (current.status === "open") return current;
  const other = await deps.db.get<{ id: string }>(
    sql`SELECT id FROM conversations WHERE citizen_id = ${current.citizen.id} AND status = 'open' LIMIT 1`,
  );
  throw new Conflict("other_conversation_open", "Mit dieser Person gibt es schon eine offene Unterhaltung. Bitte dort weiterschreiben.", {
    conversationId: other?.id ?? null,
  });
}

/** Marks everything as read (unread count 0). */
export async function markConversationRead(deps: InboxStateDeps, actor: StaffIdentity, id: string): Promise<ConversationDetail> {
  const row = await deps.db.get<{ id: string }>(
    sql`UPDATE conversations SET unread_count = 0 WHERE id = ${id} AND unread_count > 0 RETURNING id`,
  );
  if (row) await deps.publish([{ type: "conversation.read", conversationId: id, staffId: actor.id }]);
  return getConversation(deps.db, id);
}

/**
 * Hands the conversation to a colleague (e.g. the report to the Bauhof). The holder may hand it on,
 * anyone may hand an unassigned one, admins any; the colleague must have an active account.
 */
export async function assignConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string, staffId: string): Promise<ConversationDetail> {
  const to = await deps.db.get<{ id: string; name: string }>(sql`SELECT id, name FROM staff WHERE id = ${staffId} AND disabled = 0`);
  if (!to) throw new NotFound("colleague_not_found", "Diese Person hat keinen aktiven Zugang. Bitte eine andere Person wählen.");
  const now = Date.now();
  const row = await deps.db.get<{ claimedAt: number }>(sql`
    UPDATE conversations
    SET assignee_id = ${to.id},
        claimed_at = CASE WHEN assignee_id = ${to.id} THEN claimed_at ELSE ${now} END
    WHERE id = ${id} AND status = 'open'
      AND (assignee_id IS NULL OR assignee_id = ${actor.id} OR assignee_id = ${to.id} OR ${actor.role === "admin" ? 1 : 0} = 1)
    RETURNING claimed_at AS claimedAt`);
  if (!row) {
    const target = await getTarget(deps.db, id);
    if (target.status !== "open") throw resolvedError();
    throw claimedByOther(target);
  }
  // claimed_at moves only when the holder changes: handing it to whoever holds it tells nobody again.
  if (row.claimedAt === now) {
    await deps.publish([{ type: "conversation.claimed", conversationId: id, staffId: to.id, staffName: to.name }]);
    if (to.id !== actor.id) await deps.notice?.({ kind: "assigned", conversationId: id, assigneeId: to.id, byStaffId: actor.id });
  }
  return getConversation(deps.db, id);
}

/** Who a conversation can be handed to: everyone with an active account, by name. */
export async function listColleagues(db: Db): Promise<{ id: string; name: string }[]> {
  return db.all<{ id: string; name: string }>(sql`SELECT id, name FROM staff WHERE disabled = 0 ORDER BY name COLLATE NOCASE`);
}
