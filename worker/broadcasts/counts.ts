// Numbers about a broadcast's recipients: the status counts, why sends failed, and the delivery timeline.
import type { Timeline, TimelinePoint } from "../shared/wire-types";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { BroadcastCounts, FailureReasonCount } from "./schemas";

export const emptyCounts = (): BroadcastCounts => ({
  recipients: 0,
  queued: 0,
  deferred: 0,
  sending: 0,
  unconfirmed: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  skipped: 0,
  opened: 0,
  viaTemplate: 0,
  freeForm: 0,
});

/** Adds one status group to counts; sent/delivered are cumulative (a read message was also delivered and sent). */
function add(c: BroadcastCounts, status: string, n: number): void {
  c.recipients += n;
  switch (status) {
    case "queued":
    case "deferred":
    case "sending":
    case "unconfirmed":
    case "failed":
    case "skipped":
      c[status] += n;
      break;
    case "read":
      c.read += n;
      c.delivered += n;
      c.sent += n;
      break;
    case "delivered":
      c.delivered += n;
      c.sent += n;
      break;
    case "sent":
      c.sent += n;
      break;
  }
}

export async function countsFor(db: Db, broadcastIds: string[]): Promise<Map<string, BroadcastCounts>> {
  const out = new Map<string, BroadcastCounts>(broadcastIds.map((id) => [id, emptyCounts()]));
  if (broadcastIds.length === 0) return out;
  const rows = await db.all<{ broadcast_id: string; status: string; n: number; opened: number; via_template: number; free_form: number }>(sql`
    SELECT broadcast_id, status, count(*) AS n, count(opened_at) AS opened,
           sum(via = 'template' AND status IN ('sent', 'delivered', 'read')) AS via_template,
           sum(via = 'content' AND status IN ('sent', 'delivered', 'read')) AS free_form
    FROM broadcast_recipients
    WHERE broadcast_id IN (SELECT value FROM json_each(${JSON.stringify(broadcastIds)}))
    GROUP BY broadcast_id, status`);
  for (const r of rows) {
    const c = out.get(r.broadcast_id);
    if (!c) continue;
    add(c, r.status, Number(r.n));
    c.opened += Number(r.opened ?? 0);
    c.viaTemplate += Number(r.via_template ?? 0);
    c.freeForm += Number(r.free_form ?? 0);
  }
  return out;
}

export async function countsOf(db: Db, broadcastId: string): Promise<BroadcastCounts> {
  return (await countsFor(db, [broadcastId])).get(broadcastId) ?? emptyCounts();
}

/** Share of recipients with a final outcome (0..1); 1 when there are none. */
export function progressOf(c: BroadcastCounts): number {
  if (c.recipients === 0) return 1;
  return (c.recipients - c.queued - c.deferred - c.sending - c.unconfirmed) / c.recipients;
}

export async function failureReasons(db: Db, broadcastId: string): Promise<FailureReasonCount[]> {
  const rows = await db.all<{ reason: string | null; code: number | null; n: number }>(sql`
    SELECT error_reason AS reason, error_code AS code, count(*) AS n FROM broadcast_recipients
    WHERE broadcast_id = ${broadcastId} AND status IN ('failed', 'skipped')
    GROUP BY error_reason, error_code ORDER BY n DESC, reason LIMIT 50`);
  return rows.map((r) => ({ reason: r.reason ?? "Unbekannter Fehler", code: r.code === null ? null : Number(r.code), count: Number(r.n) }));
}

export type { Timeline, TimelinePoint } from "../shared/wire-types";

const BUCKETS = [10_000, 30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 6 * 60 * 60_000, 24 * 60 * 60_000];
const MAX_POINTS = 120;

/** The smallest bucket that keeps a span within MAX_POINTS points. */
export function bucketFor(spanMs: number): number {
  return BUCKETS.find((b) => spanMs / b <= MAX_POINTS) ?? BUCKETS[BUCKETS.length - 1]!;
}

/**
 * Sent/delivered/read/failed events over time, bucketed, counted like the status counts above (so the
 * chart's totals and the numbers beside it agree): a recipient counts as sent while its status is
 * sent, delivered or read (one that was sent and then failed counts as failed only), as delivered
 * while delivered or read, as read while read. Each counted event sits at the time it happened; a
 * missing time (a "read" without a "delivered" status) takes the next later one.
 */
export async function timelineOf(db: Db, broadcastId: string, requestedBucketMs?: number): Promise<Timeline> {
  const sentAt = sql`coalesce(sent_at, delivered_at, read_at)`;
  const deliveredAt = sql`coalesce(delivered_at, read_at)`;
  const span = await db.get<{ from: number | null; to: number | null }>(sql`
    SELECT min(min(coalesce(${sentAt}, 9e15), coalesce(failed_at, 9e15))) AS "from",
           max(max(coalesce(sent_at, 0), coalesce(delivered_at, 0), coalesce(read_at, 0), coalesce(failed_at, 0))) AS "to"
    FROM broadcast_recipients WHERE broadcast_id = ${broadcastId}
      AND (${sentAt} IS NOT NULL OR failed_at IS NOT NULL)`);
  const totals = { sent: 0, delivered: 0, read: 0, failed: 0 };
  if (!span || span.from === null || span.to === null || span.from >= 9e15) {
    return { bucketMs: requestedBucketMs ?? BUCKETS[0]!, from: null, to: null, points: [], totals };
  }
  const from = Number(span.from);
  const to = Math.max(from, Number(span.to));
  let bucketMs = requestedBucketMs ?? bucketFor(to - from);
  // Never more than MAX_POINTS buckets, whatever was asked for.
  if ((to - from) / bucketMs > MAX_POINTS) bucketMs = bucketFor(to - from);
  const start = Math.floor(from / bucketMs) * bucketMs;
  const rows = await db.all<{ kind: keyof typeof totals; b: number; n: number }>(sql`
    SELECT 'sent' AS kind, (${sentAt} - ${start}) / ${bucketMs} AS b, count(*) AS n FROM broadcast_recipients
      WHERE broadcast_id = ${broadcastId} AND status IN ('sent', 'delivered', 'read') AND ${sentAt} IS NOT NULL GROUP BY b
    UNION ALL
    SELECT 'delivered', (${deliveredAt} - ${start}) / ${bucketMs}, count(*) FROM broadcast_recipients
      WHERE broadcast_id = ${broadcastId} AND status IN ('delivered', 'read') AND ${deliveredAt} IS NOT NULL GROUP BY 2
    UNION ALL
    SELECT 'read', (read_at - ${start}) / ${bucketMs}, count(*) FROM broadcast_recipients
      WHERE broadcast_id = ${broadcastId} AND status = 'read' AND read_at IS NOT NULL GROUP BY 2
    UNION ALL
    SELECT 'failed', (failed_at - ${start}) / ${bucketMs}, count(*) FROM broadcast_recipients
      WHERE broadcast_id = ${broadcastId} AND failed_at IS NOT NULL AND status = 'failed' GROUP BY 2`);
  const n = Math.floor((to - start) / bucketMs) + 1;
  const points: TimelinePoint[] = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, sent: 0, delivered: 0, read: 0, failed: 0 }));
  for (const r of rows) {
    // Events before the first send (e.g. a "delivered" clock skew) land in the first bucket.
    const idx = Math.min(n - 1, Math.max(0, Math.floor(Number(r.b))));
    const p = points[idx]!;
    p[r.kind] += Number(r.n);
    totals[r.kind] += Number(r.n);
  }
  return { bucketMs, from: start, to, points, totals };
}
