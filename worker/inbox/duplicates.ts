// Possible duplicates of an incident report (FixMyStreet's rule): open reports of the same category
// within 50 m, marked in the last 14 days. A bounding box in SQL finds the few candidates (indexed by
// category and latitude); the exact distance is the haversine formula here. And merging: the duplicate
// points to the report that is kept and is closed; its messages and photos stay where they are.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { AppError, notFound } from "../shared/errors";
import type { ReportStatus } from "./conversations";

export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_MS = 14 * 86_400_000;
const EARTH_RADIUS_M = 6_371_008.8;
/** Metres per degree of latitude (and of longitude at the equator). */
const M_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_M;

export interface DuplicateCandidate {
  conversationId: string;
  category: string;
  status: ReportStatus;
  distanceMetres: number;
  createdAt: number;
  address: string | null;
}

export function haversineMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

interface Self {
  category: string | null;
  status: ReportStatus | null;
  latitude: number | null;
  longitude: number | null;
  merged_into: string | null;
}

interface Candidate {
  id: string;
  category: string;
  status: ReportStatus;
  latitude: number;
  longitude: number;
  created_at: number;
  address: string | null;
}

const reportOf = (db: Db, id: string) =>
  db.get<Self>(sql`SELECT report_category AS category, report_status AS status, report_latitude AS latitude,
    report_longitude AS longitude, report_merged_into AS merged_into FROM conversations WHERE id = ${id}`);

/** Open reports that may be the same as this one, nearest first (none for a report without a place). */
export async function findDuplicates(db: Db, conversationId: string, now = Date.now()): Promise<DuplicateCandidate[]> {
  const self = await reportOf(db, conversationId);
  if (!self) throw notFound("Unterhaltung nicht gefunden");
  if (!self.category || !self.status || self.latitude === null || self.longitude === null || self.merged_into) return [];
  const { latitude: lat, longitude: lng } = self;
  const dLat = DUPLICATE_RADIUS_M / M_PER_DEGREE;
  // Near the poles a degree of longitude shrinks to nothing: the box then spans every longitude.
  const cos = Math.cos((lat * Math.PI) / 180);
  const dLng = cos > 0.01 ? DUPLICATE_RADIUS_M / (M_PER_DEGREE * cos) : 180;
  const rows = await db.all<Candidate>(sql`
    SELECT id, report_category AS category, report_status AS status, report_latitude AS latitude, report_longitude AS longitude,
      coalesce(report_created_at, created_at) AS created_at, report_address AS address
    FROM conversations
    WHERE report_category = ${self.category} AND id <> ${conversationId}
      AND report_status IN ('neu', 'in_bearbeitung') AND report_merged_into IS NULL
      AND report_latitude BETWEEN ${lat - dLat} AND ${lat + dLat}
      AND report_longitude BETWEEN ${lng - dLng} AND ${lng + dLng}
      AND coalesce(report_created_at, created_at) >= ${now - DUPLICATE_WINDOW_MS}
    LIMIT 50`);
  return rows
    .map((r) => ({ r, d: haversineMetres(lat, lng, r.latitude, r.longitude) }))
    .filter(({ d }) => d <= DUPLICATE_RADIUS_M)
    .sort((a, b) => a.d - b.d || b.r.created_at - a.r.created_at)
    .map(({ r, d }) => ({
      conversationId: r.id,
      category: r.category,
      status: r.status,
      distanceMetres: Math.round(d),
      createdAt: r.created_at,
      address: r.address,
    }));
}

/**
 * Merges report `id` into report `into`: one conditional UPDATE, so of two opposite merges at once
 * only the first wins (the second finds its target already merged). The citizen is not messaged.
 */
export async function mergeReport(db: Db, id: string, into: string, now = Date.now()): Promise<void> {
  if (id === into) throw new AppError(422, "merge_self", "Eine Meldung kann nicht mit sich selbst zusammengeführt werden.");
  const [self, target] = await Promise.all([reportOf(db, id), reportOf(db, into)]);
  if (!self) throw notFound("Unterhaltung nicht gefunden");
  if (!self.status) throw new AppError(422, "not_a_report", "Diese Unterhaltung ist keine Meldung.");
  if (!target?.status) throw new AppError(422, "merge_target_missing", "Die Meldung, in die zusammengeführt werden soll, gibt es nicht (mehr).");
  if (self.merged_into) throw new AppError(409, "already_merged", "Diese Meldung ist schon mit einer anderen zusammengeführt.");
  if (target.merged_into) {
    throw new AppError(409, "target_merged", "Die gewählte Meldung ist selbst schon zusammengeführt – bitte die Meldung wählen, auf die sie verweist.");
  }
  const result = await db.run(sql`
    UPDATE conversations SET report_merged_into = ${into}, report_status = 'erledigt', report_updated_at = ${now}
    WHERE id = ${id} AND report_status IS NOT NULL AND report_merged_into IS NULL
      AND EXISTS (SELECT 1 FROM conversations t WHERE t.id = ${into} AND t.report_status IS NOT NULL AND t.report_merged_into IS NULL)`);
  if ((result.meta.changes ?? 0) === 0) throw new AppError(409, "merge_conflict", "Die Meldungen wurden gerade geändert – bitte neu laden und noch einmal versuchen.");
}
