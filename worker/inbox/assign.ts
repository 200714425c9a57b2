// Handing a conversation (or report) to a colleague: "Zuweisen". One conditional UPDATE, like a claim;
// the colleague is told by push notification (if they want it) — never the one who assigned themself.
import { sql } from "drizzle-orm";
import type { StaffIdentity } from "../auth/roles";
import { InvalidInput } from "../shared/errors";
import { resolvedError, type InboxStateDeps } from "./claims";
import { getConversation, getTarget, type ConversationDetail } from "./conversations";

export async function assignConversation(deps: InboxStateDeps, actor: StaffIdentity, id: string, assigneeId: string): Promise<ConversationDetail> {
  const assignee = await deps.db.get<{ id: string; name: string }>(sql`SELECT id, name FROM staff WHERE id = ${assigneeId} AND disabled = 0`);
  if (!assignee) throw new InvalidInput("unknown_staff", "Diese Person gibt es im Team nicht (mehr). Bitte die Liste neu laden und jemand anderen wählen.");
  const now = Date.now();
  const row = await deps.db.get<{ id: string }>(sql`
    UPDATE conversations SET assignee_id = ${assignee.id}, claimed_at = ${now}
    WHERE id = ${id} AND status = 'open' AND assignee_id IS NOT ${assignee.id}
    RETURNING id`);
  if (!row) {
    const target = await getTarget(deps.db, id); // 404 when it does not exist
    if (target.status !== "open") throw resolvedError();
    return getConversation(deps.db, id); // already theirs: nothing to do, nobody is told twice
  }
  await deps.publish([{ type: "conversation.claimed", conversationId: id, staffId: assignee.id, staffName: assignee.name }]);
  if (assignee.id !== actor.id) await deps.notice?.({ kind: "assigned", conversationId: id, assigneeId: assignee.id, byStaffId: actor.id });
  return getConversation(deps.db, id);
}
