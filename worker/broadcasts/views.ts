// What the API shows of broadcasts: list and detail, with counts.
import { and, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { broadcasts, staff } from "../db/schema";
import { approvalRequirement } from "./approval";
import { mediaPath } from "../media/paths";
import type { BroadcastRow } from "./compose";
import { getBroadcastRow } from "./compose";
import { countsFor, countsOf, emptyCounts, failureReasons, progressOf } from "./counts";
import type { ApprovalView, BroadcastCounts, BroadcastDetail, BroadcastStatus, BroadcastView } from "./schemas";
import { SEND_AT_LIMIT, toViennaLocal } from "./vienna-time";

/** Staff names by id, for "written by" and "approved by" (disabled staff keep their name). */
async function staffNames(db: Db, rows: BroadcastRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((r) => [r.createdBy, r.approvalRequestedBy, r.approvalBy]).filter((x): x is string => Boolean(x)))];
  if (ids.length === 0) return new Map();
  const found = await db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, ids)).all();
  return new Map(found.map((r) => [r.id, r.name]));
}

function approvalOf(row: BroadcastRow, names: Map<string, string>): ApprovalView {
  const name = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return {
    state: row.approvalState,
    requestedBy: row.approvalRequestedBy,
    requestedByName: name(row.approvalRequestedBy),
    requestedAt: row.approvalRequestedAt,
    by: row.approvalBy,
    byName: name(row.approvalBy),
    at: row.approvalAt,
    reason: row.approvalReason,
  };
}

export function toBroadcastView(row: BroadcastRow, counts: BroadcastCounts = emptyCounts(), names = new Map<string, string>()): BroadcastView {
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
    createdByName: row.createdBy ? (names.get(row.createdBy) ?? null) : null,
    approval: approvalOf(row, names),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    counts,
  };
}

export async function broadcastDetail(db: Db, id: string): Promise<BroadcastDetail> {
  const row = await getBroadcastRow(db, id);
  const [counts, failedByReason, names, requirement] = await Promise.all([
    countsOf(db, id),
    failureReasons(db, id),
    staffNames(db, [row]),
    row.status === "draft" || row.status === "scheduled" ? approvalRequirement(db, row) : null,
  ]);
  return {
    ...toBroadcastView(row, counts, names),
    failedByReason,
    progress: progressOf(counts),
    approvalRequired: requirement?.required ?? false,
  };
}

export interface ListOptions {
  status?: BroadcastStatus;
  /** "pending": the list "Zur Freigabe". */
  approval?: "pending" | "approved" | "rejected";
  cursor?: string;
  limit: number;
}

/** Newest first; the cursor is "<createdAt>:<id>" of the last item. */
export async function listBroadcasts(db: Db, o: ListOptions): Promise<{ broadcasts: BroadcastView[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (o.status) where.push(eq(broadcasts.status, o.status));
  if (o.approval) where.push(eq(broadcasts.approvalState, o.approval));
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
  const [counts, names] = await Promise.all([countsFor(db, page.map((r) => r.id)), staffNames(db, page)]);
  const last = page[page.length - 1];
  return {
    broadcasts: page.map((r) => toBroadcastView(r, counts.get(r.id), names)),
    nextCursor: rows.length > o.limit && last ? `${last.createdAt}:${last.id}` : null,
  };
}
