// Open311 GeoReport v2, read-only: the report categories as services and the reports as service
// requests. Only what staff decided to make public leaves here: the category, the status, the place
// (coordinates), the times and the staff-written public summary. Never the citizen's name, number,
// words, photos or the address text (it often comes from the citizen's own location message).
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import type { ReportStatus } from "../inbox/conversations";
import { getReportCategories } from "../inbox/reports";

/** The spec's default window and result cap for a query without dates. */
export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: "realtime";
  keywords: string;
  group: string;
}

export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes?: string;
  service_name: string;
  service_code: string;
  description: string;
  requested_datetime: string;
  updated_datetime: string;
  lat?: number;
  long?: number;
}

export interface RequestQuery {
  serviceCodes?: string[];
  statuses?: ("open" | "closed")[];
  start?: number;
  end?: number;
  ids?: string[];
}

/** A stable code from a category name: "Straßenschaden" → "strassenschaden". */
export function serviceCode(category: string): string {
  const folded = category
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "");
  return folded.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "kategorie";
}

export async function listServices(db: Db): Promise<Open311Service[]> {
  return (await getReportCategories(db)).map((name) => ({
    service_code: serviceCode(name),
    service_name: name,
    description: `Meldungen der Kategorie „${name}“`,
    metadata: false,
    type: "realtime",
    keywords: "",
    group: "",
  }));
}

const CLOSED: ReportStatus = "erledigt";

interface Row {
  id: string;
  category: string;
  status: ReportStatus;
  summary: string | null;
  merged_into: string | null;
  latitude: number | null;
  longitude: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * Reports matching the query, newest first (at most MAX_REQUESTS). Service codes are mapped to
 * category names here (at most 30 categories), so a query binds few parameters whatever it asks for.
 */
export async function listRequests(db: Db, q: RequestQuery, now = Date.now()): Promise<Open311Request[]> {
  const filters: SQL[] = [sql`c.report_status IS NOT NULL`, sql`c.report_category IS NOT NULL`];
  if (q.ids?.length) filters.push(sql`c.id IN (${sql.join(q.ids.map((id) => sql`${id}`), sql`, `)})`);
  if (q.serviceCodes) {
    const wanted = new Set(q.serviceCodes);
    // Categories that were renamed or removed keep their reports: their codes come from the reports.
    const categories = await db.all<{ category: string }>(sql`SELECT DISTINCT report_category AS category FROM conversations WHERE report_category IS NOT NULL`);
    const names = [...new Set([...(await getReportCategories(db)), ...categories.map((r) => r.category)])].filter((n) => wanted.has(serviceCode(n)));
    if (names.length === 0) return [];
    filters.push(sql`c.report_category IN (${sql.join(names.map((n) => sql`${n}`), sql`, `)})`);
  }
  if (q.statuses && q.statuses.length === 1) {
    filters.push(q.statuses[0] === "closed" ? sql`c.report_status = ${CLOSED}` : sql`c.report_status <> ${CLOSED}`);
  }
  const created = sql`coalesce(c.report_created_at, c.created_at)`;
  if (!q.ids?.length) {
    const start = q.start ?? (q.end ?? now) - DEFAULT_WINDOW_DAYS * 86_400_000;
    filters.push(sql`${created} >= ${start}`);
  }
  if (q.end !== undefined) filters.push(sql`${created} <= ${q.end}`);
  const rows = await db.all<Row>(sql`
    SELECT c.id, c.report_category AS category, c.report_status AS status, c.report_public_summary AS summary,
      c.report_merged_into AS merged_into, c.report_latitude AS latitude, c.report_longitude AS longitude,
      ${created} AS created_at, coalesce(c.report_updated_at, c.last_message_at) AS updated_at
    FROM conversations c
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY created_at DESC, c.id DESC
    LIMIT ${MAX_REQUESTS}`);
  return rows.map(toRequest);
}

function toRequest(r: Row): Open311Request {
  const closed = r.status === CLOSED;
  const notes = r.merged_into ? `Zusammengeführt mit Meldung ${r.merged_into}` : r.status === "in_bearbeitung" ? "In Bearbeitung" : null;
  return {
    service_request_id: r.id,
    status: closed ? "closed" : "open",
    ...(notes ? { status_notes: notes } : {}),
    service_name: r.category,
    service_code: serviceCode(r.category),
    description: r.summary ?? "",
    requested_datetime: new Date(r.created_at).toISOString(),
    updated_datetime: new Date(r.updated_at).toISOString(),
    // A half-set place is no place: both coordinates or neither.
    ...(r.latitude !== null && r.longitude !== null ? { lat: r.latitude, long: r.longitude } : {}),
  };
}
