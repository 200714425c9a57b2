// Reading conversations for the staff inbox: the filtered, searchable list (newest activity first,
// cursor-paginated), the badge counts, and one conversation with its messages (paged backwards).
import { and, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { containsText } from "../db/search";
import { citizens, conversations, media, messages, staff } from "../db/schema";
import type { MessageView } from "../shared/events";
import type { ConversationDetail, ConversationSummary, ReportStatus } from "../shared/wire-types";
import { AppError, notFound } from "../shared/errors";
import { failureReason } from "./failure-reasons";
import { toMessageView } from "./views";
import { isWindowOpen, windowOpenUntil } from "./window";

export const CONVERSATION_FILTERS = ["open", "mine", "unassigned", "resolved"] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];
export { REPORT_STATUSES } from "../shared/wire-types";
export type { ConversationDetail, ConversationSummary, ReportStatus } from "../shared/wire-types";

export const LIST_PAGE_SIZE = 30;
export const MESSAGE_PAGE_SIZE = 50;

export interface ConversationCounts {
  open: number;
  mine: number;
  unassigned: number;
  resolved: number;
}

const summaryColumns = {
  c: conversations,
  citizen: { id: citizens.id, name: citizens.name, waId: citizens.waId, userId: citizens.userId, lastInboundAt: citizens.lastInboundAt },
  assigneeName: staff.name,
};

interface SummaryRow {
  c: typeof conversations.$inferSelect;
  citizen: { id: string; name: string | null; waId: string | null; userId: string | null; lastInboundAt: number | null };
  assigneeName: string | null;
}

function toSummary(r: SummaryRow): ConversationSummary {
  const { c } = r;
  return {
    id: c.id,
    status: c.status,
    citizen: { id: r.citizen.id, name: r.citizen.name, waId: r.citizen.waId, userId: r.citizen.userId },
    assignee: c.assigneeId ? { id: c.assigneeId, name: r.assigneeName ?? "Unbekannt" } : null,
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt,
    lastMessagePreview: c.lastMessagePreview,
    windowOpenUntil: windowOpenUntil(r.citizen.lastInboundAt),
    report: c.reportCategory && c.reportStatus ? { category: c.reportCategory, status: c.reportStatus } : null,
  };
}

function toDetail(r: SummaryRow, now = Date.now()): ConversationDetail {
  const { c } = r;
  return {
    ...toSummary(r),
    windowOpen: isWindowOpen(r.citizen.lastInboundAt, now),
    report:
      c.reportCategory && c.reportStatus
        ? {
            category: c.reportCategory,
            status: c.reportStatus,
            latitude: c.reportLatitude,
            longitude: c.reportLongitude,
            address: c.reportAddress,
            publicSummary: c.reportPublicSummary,
            mergedInto: c.reportMergedInto,
          }
        : null,
  };
}

// Cursors are "<time>:<id>" of the last row of a page; ids are our base-36/hex ids.
const CURSOR_RE = /^(\d{1,16}(?:\.\d+)?):([0-9a-z]{1,40})$/;

export function encodeCursor(time: number, id: string): string {
  return `${time}:${id}`;
}

export function decodeCursor(cursor: string): { time: number; id: string } {
  const m = CURSOR_RE.exec(cursor);
  if (!m?.[1] || !m[2]) throw new AppError(400, "bad_cursor", "Ungültiger Cursor");
  return { time: Number(m[1]), id: m[2] };
}

function searchCondition(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const parts: SQL[] = [
    containsText(citizens.name, text),
    sql`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = ${conversations.id} AND ${containsText(sql`m.text`, text)})`,
  ];
  // Phone numbers: "0664 123 45", "+43 664…" and "43664…" all find 436641234567. Leading zeros
  // and the plus are dropped so a local number matches the stored international one.
  const digits = text.replace(/[\s\-/()+.]/g, "");
  if (/^\d{3,}$/.test(digits)) {
    const core = digits.replace(/^0+/, "");
    if (core.length >= 3) parts.push(containsText(citizens.waId, core));
  }
  return or(...parts);
}

function filterCondition(filter: ConversationFilter, staffId: string): SQL | undefined {
  switch (filter) {
    case "open":
      return eq(conversations.status, "open");
    case "mine":
      return and(eq(conversations.status, "open"), eq(conversations.assigneeId, staffId));
    case "unassigned":
      return and(eq(conversations.status, "open"), isNull(conversations.assigneeId));
    case "resolved":
      return eq(conversations.status, "resolved");
  }
}

export interface ListQuery {
  status: ConversationFilter;
  q?: string;
  cursor?: string;
  limit?: number;
}

export async function listConversations(
  db: Db,
  staffId: string,
  query: ListQuery,
): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null; counts: ConversationCounts }> {
  const limit = Math.min(Math.max(query.limit ?? LIST_PAGE_SIZE, 1), 100);
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const cursorCond = after
    ? or(
        sql`${conversations.lastMessageAt} < ${after.time}`,
        and(sql`${conversations.lastMessageAt} = ${after.time}`, sql`${conversations.id} < ${after.id}`),
      )
    : undefined;
  const [rows, counts] = await Promise.all([
    db
      .select(summaryColumns)
      .from(conversations)
      .innerJoin(citizens, eq(citizens.id, conversations.citizenId))
      .leftJoin(staff, eq(staff.id, conversations.assigneeId))
      .where(and(filterCondition(query.status, staffId), query.q ? searchCondition(query.q) : undefined, cursorCond))
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(limit + 1)
      .all(),
    conversationCounts(db, staffId),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    conversations: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor(last.c.lastMessageAt, last.c.id) : null,
    counts,
  };
}

/** Badge counts for the four filters (search does not change them). */
export async function conversationCounts(db: Db, staffId: string): Promise<ConversationCounts> {
  const row = await db.get<{ open: number | null; mine: number | null; unassigned: number | null; resolved: number | null }>(sql`
    SELECT
      sum(status = 'open') AS open,
      sum(status = 'open' AND assignee_id = ${staffId}) AS mine,
      sum(status = 'open' AND assignee_id IS NULL) AS unassigned,
      sum(status = 'resolved') AS resolved
    FROM conversations`);
  return { open: row?.open ?? 0, mine: row?.mine ?? 0, unassigned: row?.unassigned ?? 0, resolved: row?.resolved ?? 0 };
}

async function loadRow(db: Db, id: string): Promise<SummaryRow | undefined> {
  return db
    .select(summaryColumns)
    .from(conversations)
    .innerJoin(citizens, eq(citizens.id, conversations.citizenId))
    .leftJoin(staff, eq(staff.id, conversations.assigneeId))
    .where(eq(conversations.id, id))
    .get();
}

export async function getConversation(db: Db, id: string): Promise<ConversationDetail> {
  const row = await loadRow(db, id);
  if (!row) throw notFound("Unterhaltung nicht gefunden");
  return toDetail(row);
}

/** Messages of a conversation, newest page first (each page oldest → newest); `before` pages back. */
export async function listMessages(
  db: Db,
  conversationId: string,
  before?: string,
  limit = MESSAGE_PAGE_SIZE,
): Promise<{ messages: MessageView[]; nextCursor: string | null }> {
  const cursor = before ? decodeCursor(before) : null;
  const rows = await db
    .select({ m: messages, media: { id: media.id, status: media.status, mimeType: media.mimeType } })
    .from(messages)
    .leftJoin(media, eq(media.id, messages.mediaId))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        cursor
          ? or(
              sql`${messages.createdAt} < ${cursor.time}`,
              and(sql`${messages.createdAt} = ${cursor.time}`, sql`${messages.id} < ${cursor.id}`),
            )
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const oldest = page[page.length - 1];
  return {
    messages: page.reverse().map((r) => toMessageView(r.m, r.media?.id ? r.media : null, failureReason)),
    nextCursor: rows.length > limit && oldest ? encodeCursor(oldest.m.createdAt, oldest.m.id) : null,
  };
}

export async function getMessageView(db: Db, messageId: string): Promise<MessageView> {
  const r = await db
    .select({ m: messages, media: { id: media.id, status: media.status, mimeType: media.mimeType } })
    .from(messages)
    .leftJoin(media, eq(media.id, messages.mediaId))
    .where(eq(messages.id, messageId))
    .get();
  if (!r) throw notFound("Nachricht nicht gefunden");
  return toMessageView(r.m, r.media?.id ? r.media : null, failureReason);
}

/** What replying needs to know about a conversation and its citizen. */
export interface ConversationTarget {
  id: string;
  status: "open" | "resolved";
  assigneeId: string | null;
  assigneeName: string | null;
  citizen: { id: string; name: string | null; waId: string | null; userId: string | null; lastInboundAt: number | null };
  report: { category: string | null; status: ReportStatus | null };
}

export async function getTarget(db: Db, id: string): Promise<ConversationTarget> {
  const row = await loadRow(db, id);
  if (!row) throw notFound("Unterhaltung nicht gefunden");
  return {
    id: row.c.id,
    status: row.c.status,
    assigneeId: row.c.assigneeId,
    assigneeName: row.assigneeName,
    citizen: row.citizen,
    report: { category: row.c.reportCategory, status: row.c.reportStatus },
  };
}
