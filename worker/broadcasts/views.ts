// What the API shows of broadcasts: list and detail, with counts.
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { broadcasts } from "../db/schema";
import { mediaPath } from "../inbox/views";
import type { BroadcastRow } from "./compose";
import { getBroadcastRow } from "./compose";
import { countsFor, countsOf, emptyCounts, failureReasons, progressOf, timelineOf } from "./counts";
import type { BroadcastCounts, BroadcastDetail, BroadcastStatus, BroadcastView } from "./schemas";
import { SEND_AT_LIMIT, toViennaLocal } from "./vienna-time";

export function toBroadcastView(row: BroadcastRow, counts: BroadcastCounts = emptyCounts()): BroadcastView {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    text: row.text,
    mediaId: row.mediaId,
    mediaUrl: row.mediaId ? mediaPath(row.mediaId) : null,
    template: row.template ?? null,
    delivery: row.delivery,
    channelIds: row.channelIds,
    status: row.status,
    sendAt: row.sendAt,
    // Rows stored before send times were bounded must not break the list.
    sendAtLocal: row.sendAt === null || row.sendAt >= SEND_AT_LIMIT ? null : toViennaLocal(row.sendAt),
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    recipientCount: row.recipientCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    counts,
  };
}

/** The delivery timeline of one broadcast (NotFound for an unknown one). */
export async function broadcastTimeline(db: Db, id: string, bucketMs?: number) {
  await getBroadcastRow(db, id);
  return timelineOf(db, id, bucketMs);
}

export async function broadcastDetail(db: Db, id: string): Promise<BroadcastDetail> {
  const row = await getBroadcastRow(db, id);
  const [counts, failedByReason] = await Promise.all([countsOf(db, id), failureReasons(db, id)]);
  return { ...toBroadcastView(row, counts), failedByReason, progress: progressOf(counts) };
}

export interface ListOptions {
  status?: BroadcastStatus;
  cursor?: string;
  limit: number;
}

/** Newest first; the cursor is "<createdAt>:<id>" of the last item. */
export async function listBroadcasts(db: Db, o: ListOptions): Promise<{ broadcasts: BroadcastView[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (o.status) where.push(eq(broadcasts.status, o.status));
  if (o.cursor) {
    const [at, id] = o.cursor.split(":");
    const createdAt = Number(at);
    if (Number.isFinite(createdAt) && id) {
      where.push(or(lt(broadcasts.createdAt, createdAt), and(eq(broadcasts.createdAt, createdAt), lt(broadcasts.id, id)))!);
    }
  }
  const rows = await db
    .select()
    .from(broadcasts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(broadcasts.createdAt), desc(broadcasts.id))
    .limit(o.limit + 1)
    .all();
  const page = rows.slice(0, o.limit);
  const counts = await countsFor(db, page.map((r) => r.id));
  const last = page[page.length - 1];
  return {
    broadcasts: page.map((r) => toBroadcastView(r, counts.get(r.id))),
    nextCursor: rows.length > o.limit && last ? `${last.createdAt}:${last.id}` : null,
  };
}
