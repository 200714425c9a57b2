// Applies WhatsApp status webhooks to outbound messages. Statuses arrive out of order and twice;
// a state only ever moves forward: pending/unconfirmed → sent → delivered → read, and failed only
// before delivery. A status with our callback data is also the evidence that an unconfirmed send
// (its HTTP answer was lost) did reach WhatsApp: it is then never sent again.
import { sql } from "drizzle-orm";
import { batchSql, type Db } from "../db/client";
import type { StatusUpdate } from "../whatsapp/normalize";

export const STATUS_RANK_SQL = (column: string) =>
  sql.raw(`(CASE ${column} WHEN 'pending' THEN 0 WHEN 'unconfirmed' THEN 0 WHEN 'queued' THEN 0 WHEN 'sending' THEN 0 WHEN 'deferred' THEN 0
    WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 5 END)`);

export const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export interface AppliedStatus {
  messageId: string;
  conversationId: string;
  status: "sent" | "delivered" | "read" | "failed";
  errorCode: number | null;
  errorTitle: string | null;
}

/** The statement that applies one status (RETURNING the message it moved), or null if no status we track. */
function messageStatusStatement(st: StatusUpdate) {
  const rank = STATUS_RANK[st.status];
  if (rank === undefined) return null;
  const status = st.status as AppliedStatus["status"];
  const err = st.errors?.[0];
  const errorCode = status === "failed" ? (err?.code ?? null) : null;
  const errorTitle = status === "failed" ? (err?.error_data?.details ?? err?.title ?? err?.message ?? null) : null;
  // Match by wamid, or by our id in the callback data when the wamid was not recorded yet.
  const byCallback = st.callbackData?.startsWith("m:") ? st.callbackData.slice(2) : null;
  const statement = sql`
    UPDATE messages SET
      status = ${status},
      wamid = coalesce(wamid, ${st.wamid}),
      error_code = ${errorCode},
      error_title = ${errorTitle},
      status_updated_at = ${st.at}
    WHERE (wamid = ${st.wamid} OR (${byCallback} IS NOT NULL AND id = ${byCallback}))
      AND direction = 'out'
      AND ${STATUS_RANK_SQL("status")} < ${rank}
      AND (${status} <> 'failed' OR status IN ('pending', 'unconfirmed', 'sent'))
    RETURNING id, conversation_id`;
  return { statement, status, errorCode, errorTitle };
}

/**
 * Applies the statuses in order, all in one D1 round trip (a webhook brings them by the dozen);
 * for each, the updated message, or null when it was stale, a duplicate, or not ours.
 */
export async function applyMessageStatuses(db: Db, list: StatusUpdate[]): Promise<(AppliedStatus | null)[]> {
  const planned = list.map(messageStatusStatement);
  const statements = planned.flatMap((p) => (p ? [p.statement] : []));
  if (statements.length === 0) return list.map(() => null);
  const results = await batchSql(db, statements);
  let k = 0;
  return planned.map((p) => {
    if (!p) return null;
    const row = results[k++]?.results[0] as { id: string; conversation_id: string } | undefined;
    return row ? { messageId: row.id, conversationId: row.conversation_id, status: p.status, errorCode: p.errorCode, errorTitle: p.errorTitle } : null;
  });
}
