// Incident reports across all conversations, for the staff map ("Karte der Meldungen") and its list:
// newest change first, filterable by status and category, with the citizen's latest photo.
import type { ReportListItem } from "../shared/wire-types";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import type { ReportStatus } from "./conversations";
import { mediaPath } from "../media/paths";

/** A town sees a few hundred reports a year; the map shows at most this many, newest first. */
export const REPORT_LIST_LIMIT = 1000;

export type { ReportListItem } from "../shared/wire-types";

export interface ReportListQuery {
  status?: ReportStatus;
  category?: string;
}

interface ReportRow {
  id: string;
  citizen_name: string | null;
  category: string;
  status: ReportStatus;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  updated_at: number;
  photo_id: string | null;
}

export async function listReports(db: Db, query: ReportListQuery): Promise<{ reports: ReportListItem[]; truncated: boolean }> {
  const filters: SQL[] = [sql`c.report_status IS NOT NULL`, sql`c.report_category IS NOT NULL`];
  if (query.status) filters.push(sql`c.report_status = ${query.status}`);
  if (query.category) filters.push(sql`c.report_category = ${query.category}`);
  const rows = await db.all<ReportRow>(sql`
    SELECT c.id, ci.name AS citizen_name, c.report_category AS category, c.report_status AS status,
      c.report_latitude AS latitude, c.report_longitude AS longitude, c.report_address AS address,
      coalesce(c.report_updated_at, c.last_message_at) AS updated_at,
      (SELECT m.media_id FROM messages m JOIN media md ON md.id = m.media_id
        WHERE m.conversation_id = c.id AND m.direction = 'in' AND md.status = 'stored' AND md.mime_type LIKE 'image/%'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS photo_id
    FROM conversations c JOIN citizens ci ON ci.id = c.citizen_id
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY updated_at DESC, c.id DESC
    LIMIT ${REPORT_LIST_LIMIT + 1}`);
  return {
    reports: rows.slice(0, REPORT_LIST_LIMIT).map((r) => ({
      conversationId: r.id,
      citizenName: r.citizen_name,
      category: r.category,
      status: r.status,
      // A half-set place is no place: both coordinates or neither.
      latitude: r.latitude !== null && r.longitude !== null ? r.latitude : null,
      longitude: r.latitude !== null && r.longitude !== null ? r.longitude : null,
      address: r.address,
      updatedAt: r.updated_at,
      photoUrl: r.photo_id ? mediaPath(r.photo_id) : null,
    })),
    truncated: rows.length > REPORT_LIST_LIMIT,
  };
}
