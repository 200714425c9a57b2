// The audit trail (docs/trust.md): who did what, when, to what, from which address. Append-only:
// triggers refuse every UPDATE, and every DELETE of a row younger than the retention setting
// (migrations/*_trust_sql.sql). Details are small JSON, never message bodies or passwords.
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog } from "../db/schema";

export interface AuditEntry {
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  detail?: Record<string, unknown> | null;
  ip?: string | null;
  at?: number;
}

export interface AuditRow {
  id: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

/** A detail bigger than this is cut (it is meant for ids, counts and short reasons). */
const MAX_DETAIL_CHARS = 2000;

export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  let detail = e.detail ?? null;
  if (detail && JSON.stringify(detail).length > MAX_DETAIL_CHARS) detail = { truncated: true };
  await db.insert(auditLog).values({
    at: e.at ?? Date.now(),
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    detail,
    ip: e.ip ?? null,
  });
}

export interface AuditQuery {
  /** Rows with an id below this (the previous page's nextCursor). */
  cursor?: number;
  actor?: string;
  /** An exact action ("broadcast.approve") or a prefix ending in "." ("broadcast."). */
  action?: string;
  limit: number;
}

function filters(q: Omit<AuditQuery, "limit">): SQL | undefined {
  const where: SQL[] = [];
  if (q.cursor !== undefined) where.push(lt(auditLog.id, q.cursor));
  if (q.actor) where.push(eq(auditLog.actorId, q.actor));
  if (q.action) {
    where.push(q.action.endsWith(".") ? sql`substr(${auditLog.action}, 1, ${q.action.length}) = ${q.action}` : eq(auditLog.action, q.action));
  }
  return where.length ? and(...where) : undefined;
}

/** Newest first; nextCursor is the id to continue below. */
export async function listAudit(db: Db, q: AuditQuery): Promise<{ entries: AuditRow[]; nextCursor: string | null }> {
  const rows = await db.select().from(auditLog).where(filters(q)).orderBy(desc(auditLog.id)).limit(q.limit + 1).all();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { entries: page, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}

/** Every matching row (newest first, at most `max`), read page by page. */
export async function exportAudit(db: Db, q: Omit<AuditQuery, "limit" | "cursor">, max = 50_000): Promise<AuditRow[]> {
  const out: AuditRow[] = [];
  let cursor: number | undefined;
  while (out.length < max) {
    const { entries, nextCursor } = await listAudit(db, { ...q, cursor, limit: Math.min(1000, max - out.length) });
    out.push(...entries);
    if (!nextCursor) break;
    cursor = Number(nextCursor);
  }
  return out;
}

const CSV_COLUMNS = ["id", "at", "time_utc", "actor_id", "actor_name", "action", "target_type", "target_id", "detail", "ip"] as const;

/** A cell for spreadsheets: quoted, and never read as a formula (=, +, -, @ get a leading apostrophe). */
function cell(v: unknown): string {
  let s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function auditCsv(rows: AuditRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push(
      [r.id, r.at, new Date(r.at).toISOString(), r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.detail, r.ip].map(cell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** A sign-in attempt, named after the staff member with this e-mail if there is one (one statement). */
export async function recordLoginAudit(db: Db, e: { email: string; success: boolean; detail: Record<string, unknown>; ip: string | null; at?: number }): Promise<void> {
  const action = e.success ? "auth.login" : "auth.login_failed";
  await db.run(sql`INSERT INTO audit_log (at, actor_id, actor_name, action, target_type, target_id, detail, ip)
    SELECT ${e.at ?? Date.now()}, s.id, coalesce(s.name, ${e.email}), ${action}, 'staff', s.id, ${JSON.stringify(e.detail)}, ${e.ip}
    FROM (SELECT 1) LEFT JOIN staff s ON s.email = ${e.email}`);
}
