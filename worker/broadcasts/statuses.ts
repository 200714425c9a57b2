// Status webhooks for broadcast sends. Same forward-only rule as inbox messages. A status is matched
// by wamid, or by the callback data "b:<broadcastId>:<citizenId>" every broadcast send carries: that
// also resolves a recipient whose send went out but whose wamid was never recorded (a consumer died
// between the Graph call and writing the result), see recovery.ts.
import { sql } from "drizzle-orm";
import { subscriptionChangeStatements } from "../citizens/subscriptions";
import { batchSql, type Db } from "../db/client";
import { failureReason } from "../inbox/failure-reasons";
import { STATUS_RANK, STATUS_RANK_SQL } from "../inbox/statuses";
import type { StatusUpdate } from "../whatsapp/normalize";

const OPTED_OUT = 131050;

/** Callback data on broadcast sends: "b:<broadcastId>:<citizenId>". */
export function recipientCallbackData(broadcastId: string, citizenId: string): string {
  return `b:${broadcastId}:${citizenId}`;
}

export function parseRecipientCallback(data: string | undefined): { broadcastId: string; citizenId: string } | null {
  if (!data?.startsWith("b:")) return null;
  const [, broadcastId, citizenId] = data.split(":");
  return broadcastId && citizenId ? { broadcastId, citizenId } : null;
}

/** Returns the broadcast id whose counts changed, or null. */
export async function applyRecipientStatus(db: Db, st: StatusUpdate): Promise<string | null> {
  const rank = STATUS_RANK[st.status];
  if (rank === undefined) return null;
  const ref = parseRecipientCallback(st.callbackData);
  const err = st.errors?.[0];
  const failed = st.status === "failed";
  const code = err?.code ?? null;
  const reason = failed ? failureReason(code, err?.error_data?.details ?? err?.title ?? err?.message ?? null) : null;
  const row = await db.get<{ broadcast_id: string; citizen_id: string }>(sql`
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
      updated_at = ${Date.now()}
    WHERE (wamid = ${st.wamid} OR (broadcast_id = ${ref?.broadcastId ?? null} AND citizen_id = ${ref?.citizenId ?? null}))
      AND ${STATUS_RANK_SQL("status")} < ${rank}
      AND (${st.status} <> 'failed' OR status IN ('sending', 'sent'))
    RETURNING broadcast_id, citizen_id`);
  if (row && failed && code === OPTED_OUT) {
    // 131050 can also arrive asynchronously: the citizen stopped these messages. Unsubscribe, with proof.
    await batchSql(db, subscriptionChangeStatements({ citizenId: row.citizen_id, unsubscribeAll: true, source: "meta_opt_out" }, Date.now()));
  }
  return row?.broadcast_id ?? null;
}
