// Status webhooks for broadcast sends. Same forward-only rule as inbox messages. A status is matched
// by wamid, or by the callback data "b:<broadcastId>:<citizenId>" every broadcast send carries: that
// also resolves a recipient whose send went out but whose wamid was never recorded (a consumer died
// between the Graph call and writing the result) or whose answer was lost (`unconfirmed`), see
// recovery.ts. A row the cron already queued again is settled too, so it is not sent a second time.
import { sql, type SQL } from "drizzle-orm";
import { subscriptionChangeStatements } from "../citizens/subscriptions";
import { batchSql, type Db } from "../db/client";
import { failureReason } from "../inbox/failure-reasons";
import { STATUS_RANK, STATUS_RANK_SQL } from "../inbox/statuses";
import type { StatusUpdate } from "../whatsapp/normalize";

const OPTED_OUT = 131050;
/** Statements per D1 batch (a webhook may carry hundreds of statuses). */
const STATUSES_PER_BATCH = 100;

/** Callback data on broadcast sends: "b:<broadcastId>:<citizenId>". */
export function recipientCallbackData(broadcastId: string, citizenId: string): string {
  return `b:${broadcastId}:${citizenId}`;
}

export function parseRecipientCallback(data: string | undefined): { broadcastId: string; citizenId: string } | null {
  if (!data?.startsWith("b:")) return null;
  const [, broadcastId, citizenId] = data.split(":");
  return broadcastId && citizenId ? { broadcastId, citizenId } : null;
}

/** The forward-only update of one recipient for one status, returning the row it changed (if any). */
function recipientStatusStatement(st: StatusUpdate, rank: number, now: number): SQL {
  const ref = parseRecipientCallback(st.callbackData);
  const err = st.errors?.[0];
  const failed = st.status === "failed";
  const code = err?.code ?? null;
  const reason = failed ? failureReason(code, err?.error_data?.details ?? err?.title ?? err?.message ?? null) : null;
  return sql`
    UPDATE broadcast_recipients SET
      status = ${st.status},
      wamid = coalesce(wamid, ${st.wamid}),
      sending_since = NULL,
      sent_at = CASE WHEN ${st.status} IN ('sent', 'delivered', 'read') THEN coalesce(sent_at, ${st.at}) ELSE sent_at END,
      delivered_at = CASE WHEN ${st.status} IN ('delivered', 'read') THEN coalesce(delivered_at, ${st.at}) ELSE delivered_at END,
      read_at = CASE WHEN ${st.status} = 'read' THEN ${st.at} ELSE read_at END,
      failed_at = CASE WHEN ${failed ? 1 : 0} = 1 THEN ${st.at} ELSE failed_at END,
      error_code = CASE WHEN ${failed ? 1 : 0} = 1 THEN ${code} ELSE error_code END,
      error_reason = CASE WHEN ${failed ? 1 : 0} = 1 THEN ${reason} ELSE error_reason END,
      updated_at = ${now}
    WHERE (wamid = ${st.wamid} OR (broadcast_id = ${ref?.broadcastId ?? null} AND citizen_id = ${ref?.citizenId ?? null}))
      AND ${STATUS_RANK_SQL("status")} < ${rank}
      AND (${st.status} <> 'failed' OR status IN ('queued', 'sending', 'unconfirmed', 'sent'))
    RETURNING broadcast_id, citizen_id`;
}

/**
 * Applies the statuses of one webhook to broadcast recipients in one D1 batch (one round trip for
 * Meta's batches of hundreds). Returns the ids of the broadcasts whose counts changed and how many
 * statuses changed something.
 */
export async function applyRecipientStatuses(db: Db, statuses: StatusUpdate[]): Promise<{ broadcastIds: string[]; applied: number }> {
  const now = Date.now();
  const known = statuses.flatMap((st) => {
    const rank = STATUS_RANK[st.status];
    return rank === undefined ? [] : [{ st, statement: recipientStatusStatement(st, rank, now) }];
  });
  if (known.length === 0) return { broadcastIds: [], applied: 0 };
  const results: D1Result[] = [];
  for (let i = 0; i < known.length; i += STATUSES_PER_BATCH) {
    results.push(...(await batchSql(db, known.slice(i, i + STATUSES_PER_BATCH).map((k) => k.statement))));
  }
  const broadcastIds = new Set<string>();
  const optedOut = new Set<string>();
  let applied = 0;
  known.forEach(({ st }, i) => {
    const row = results[i]?.results?.[0] as { broadcast_id: string; citizen_id: string } | undefined;
    if (!row) return;
    applied++;
    broadcastIds.add(row.broadcast_id);
    // 131050 can also arrive asynchronously: the citizen stopped these messages. Unsubscribe, with proof.
    if (st.status === "failed" && st.errors?.[0]?.code === OPTED_OUT) optedOut.add(row.citizen_id);
  });
  const unsubscribe = [...optedOut].flatMap((citizenId) => subscriptionChangeStatements({ citizenId, unsubscribeAll: true, source: "meta_opt_out" }, now));
  if (unsubscribe.length) await batchSql(db, unsubscribe);
  return { broadcastIds: [...broadcastIds], applied };
}
