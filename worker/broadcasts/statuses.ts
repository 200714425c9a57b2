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

/** 131047: the 24-hour window was closed when the free-form content arrived. */
const OUTSIDE_WINDOW = 131047;
export const FALLBACK_REASON = "Zeitfenster war geschlossen – wird mit der Vorlage erneut gesendet";

/**
 * Callback data on broadcast sends: "b:<broadcastId>:<citizenId>:<c|t>" (content or template), so a
 * late status of the content a recipient fell back from never lands on the template sent after it.
 */
export function recipientCallbackData(broadcastId: string, citizenId: string, via?: "content" | "template"): string {
  return `b:${broadcastId}:${citizenId}${via ? `:${via === "template" ? "t" : "c"}` : ""}`;
}

export function parseRecipientCallback(
  data: string | undefined,
): { broadcastId: string; citizenId: string; via: "content" | "template" | null } | null {
  if (!data?.startsWith("b:")) return null;
  const [, broadcastId, citizenId, v] = data.split(":");
  const via = v === "t" ? "template" : v === "c" ? "content" : null;
  return broadcastId && citizenId ? { broadcastId, citizenId, via } : null;
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
    WHERE (wamid = ${st.wamid} OR (broadcast_id = ${ref?.broadcastId ?? null} AND citizen_id = ${ref?.citizenId ?? null}
                                   AND (${ref?.via ?? null} IS NULL OR via IS NULL OR via = ${ref?.via ?? null})))
      AND ${STATUS_RANK_SQL("status")} < ${rank}
      AND (${st.status} <> 'failed' OR status IN ('queued', 'sending', 'unconfirmed', 'sent'))
    RETURNING broadcast_id, citizen_id, via, fallback_at`;
}

/** A sent / delivered / read status of one of our broadcast sends. */
interface PlainStatus {
  b: string;
  c: string;
  v: "content" | "template" | null;
  w: string;
  s: "sent" | "delivered" | "read";
  r: number;
  t: number;
}

/**
 * Splits off the statuses that can be applied together: sent, delivered or read, with our callback
 * data, and the only status of that recipient in this webhook (so no order among them matters).
 */
function splitPlain(statuses: StatusUpdate[]): { plain: PlainStatus[]; single: StatusUpdate[] } {
  const perRecipient = new Map<string, number>();
  const refOf = (st: StatusUpdate) => parseRecipientCallback(st.callbackData);
  for (const st of statuses) {
    const ref = refOf(st);
    if (ref) perRecipient.set(`${ref.broadcastId}:${ref.citizenId}`, (perRecipient.get(`${ref.broadcastId}:${ref.citizenId}`) ?? 0) + 1);
  }
  const plain: PlainStatus[] = [];
  const single: StatusUpdate[] = [];
  for (const st of statuses) {
    const ref = refOf(st);
    if (ref && perRecipient.get(`${ref.broadcastId}:${ref.citizenId}`) === 1 && (st.status === "sent" || st.status === "delivered" || st.status === "read")) {
      plain.push({ b: ref.broadcastId, c: ref.citizenId, v: ref.via, w: st.wamid, s: st.status, r: STATUS_RANK[st.status]!, t: st.at });
    } else {
      single.push(st);
    }
  }
  return { plain, single };
}

/**
 * The same forward-only update as recipientStatusStatement for plain statuses, all in one
 * statement (a fan-out brings three per message: this keeps a message at about one statement for
 * its statuses instead of three). Matched by the primary key from the callback data.
 */
async function applyPlainStatuses(db: Db, plain: PlainStatus[], now: number): Promise<{ broadcast_id: string; citizen_id: string }[]> {
  return db.all<{ broadcast_id: string; citizen_id: string }>(sql`
    UPDATE broadcast_recipients AS r SET
      status = s.st,
      wamid = coalesce(r.wamid, s.w),
      sending_since = NULL,
      sent_at = coalesce(r.sent_at, s.t),
      delivered_at = CASE WHEN s.st IN ('delivered', 'read') THEN coalesce(r.delivered_at, s.t) ELSE r.delivered_at END,
      read_at = CASE WHEN s.st = 'read' THEN s.t ELSE r.read_at END,
      updated_at = ${now}
    FROM (SELECT json_extract(value, '$.b') AS b, json_extract(value, '$.c') AS c, json_extract(value, '$.v') AS v,
                 json_extract(value, '$.w') AS w, json_extract(value, '$.s') AS st, json_extract(value, '$.r') AS rk,
                 json_extract(value, '$.t') AS t
          FROM json_each(${JSON.stringify(plain)})) AS s
    WHERE r.broadcast_id = s.b AND r.citizen_id = s.c AND (s.v IS NULL OR r.via IS NULL OR r.via = s.v)
      AND ${STATUS_RANK_SQL("r.status")} < s.rk
    RETURNING broadcast_id, citizen_id`);
}

/**
 * Applies the statuses of one webhook to broadcast recipients in one D1 batch (one round trip for
 * Meta's batches of hundreds). Returns the ids of the broadcasts whose counts changed and how many
 * statuses changed something.
 */
export async function applyRecipientStatuses(
  db: Db,
  statuses: StatusUpdate[],
): Promise<{ broadcastIds: string[]; applied: number; fallbacks: { broadcastId: string; citizenIds: string[] }[] }> {
  const now = Date.now();
  const { plain, single } = splitPlain(statuses);
  const known = single.flatMap((st) => {
    const rank = STATUS_RANK[st.status];
    return rank === undefined ? [] : [{ st, statement: recipientStatusStatement(st, rank, now) }];
  });
  // The common case in one statement; only failures, foreign sends and recipients with several
  // statuses in this webhook take one statement each (their order matters).
  const plainRows = plain.length ? await applyPlainStatuses(db, plain, now) : [];
  if (known.length === 0) return { broadcastIds: [...new Set(plainRows.map((r) => r.broadcast_id))], applied: plainRows.length, fallbacks: [] };
  const results: D1Result[] = [];
  for (let i = 0; i < known.length; i += STATUSES_PER_BATCH) {
    results.push(...(await batchSql(db, known.slice(i, i + STATUSES_PER_BATCH).map((k) => k.statement))));
  }
  const broadcastIds = new Set<string>(plainRows.map((r) => r.broadcast_id));
  const optedOut = new Set<string>();
  const outsideWindow: { broadcastId: string; citizenId: string }[] = [];
  let applied = plainRows.length;
  known.forEach(({ st }, i) => {
    const row = results[i]?.results?.[0] as { broadcast_id: string; citizen_id: string; via: string | null; fallback_at: number | null } | undefined;
    if (!row) return;
    applied++;
    broadcastIds.add(row.broadcast_id);
    // 131050 can also arrive asynchronously: the citizen stopped these messages. Unsubscribe, with proof.
    if (st.status === "failed" && st.errors?.[0]?.code === OPTED_OUT) optedOut.add(row.citizen_id);
    // 131047 arrives this way (the send itself was accepted): the content may fall back to the template.
    if (st.status === "failed" && st.errors?.[0]?.code === OUTSIDE_WINDOW && row.via === "content" && row.fallback_at === null) {
      outsideWindow.push({ broadcastId: row.broadcast_id, citizenId: row.citizen_id });
    }
  });
  const unsubscribe = [...optedOut].flatMap((citizenId) => subscriptionChangeStatements({ citizenId, unsubscribeAll: true, source: "meta_opt_out" }, now));
  if (unsubscribe.length) await batchSql(db, unsubscribe);
  const fallbacks = outsideWindow.length ? await queueFallbacks(db, outsideWindow, now) : [];
  return { broadcastIds: [...broadcastIds], applied, fallbacks };
}

/**
 * Recipients whose free-form content failed with 131047 go back to the queue for the template, once
 * (fallback_at), if the broadcast has one and was not cancelled. A broadcast already done is sending
 * again until they are through. The caller enqueues the returned recipients.
 */
async function queueFallbacks(
  db: Db,
  rows: { broadcastId: string; citizenId: string }[],
  now: number,
): Promise<{ broadcastId: string; citizenIds: string[] }[]> {
  const statements = rows.map(
    (r) => sql`UPDATE broadcast_recipients SET status = 'queued', fallback_at = ${now}, wamid = NULL, sending_since = NULL,
        failed_at = NULL, error_code = ${OUTSIDE_WINDOW}, error_reason = ${FALLBACK_REASON}, updated_at = ${now}
      WHERE broadcast_id = ${r.broadcastId} AND citizen_id = ${r.citizenId}
        AND status = 'failed' AND via = 'content' AND fallback_at IS NULL
        AND EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = ${r.broadcastId} AND b.template IS NOT NULL AND b.status IN ('sending', 'paused', 'done'))
      RETURNING broadcast_id, citizen_id`,
  );
  const results = await batchSql(db, statements);
  const byBroadcast = new Map<string, string[]>();
  for (const res of results) {
    const row = res.results?.[0] as { broadcast_id: string; citizen_id: string } | undefined;
    if (row) byBroadcast.set(row.broadcast_id, [...(byBroadcast.get(row.broadcast_id) ?? []), row.citizen_id]);
  }
  if (byBroadcast.size === 0) return [];
  await batchSql(
    db,
    [...byBroadcast.keys()].map(
      (id) => sql`UPDATE broadcasts SET status = 'sending', finished_at = NULL, updated_at = ${now} WHERE id = ${id} AND status = 'done'`,
    ),
  );
  return [...byBroadcast].map(([broadcastId, citizenIds]) => ({ broadcastId, citizenIds }));
}
