// Shapes of GET /api/reports and GET /api/ui-config (see README "Inbox API").
import type { ReportStatus } from "../lib/types";
import type { ReportListItem as ReportItem } from "../../../worker/shared/wire-types";

export type { ReportListItem as ReportItem } from "../../../worker/shared/wire-types";

/** A report with a place: the ones the map can show. */
export type PlacedReport = ReportItem & { latitude: number; longitude: number };

export const hasPlace = (r: ReportItem): r is PlacedReport => r.latitude !== null && r.longitude !== null;

export interface ReportFilters {
  status: ReportStatus | "";
  category: string;
}

export interface MapConfig {
  tileUrl: string;
  /** HTML as in Leaflet's attribution option; sanitised before use. */
  attribution: string;
  defaultCenter: { latitude: number; longitude: number };
  defaultZoom: number;
}
