// Shapes of GET /api/reports and GET /api/ui-config (see README "Inbox API").
import type { InferResponseType } from "hono/client";
import type { client } from "../lib/client";
import type { ReportListQuery } from "../../../worker/inbox/report-list";
import type { ReportListItem as ReportItem } from "../../../worker/shared/wire-types";

export type { ReportListItem as ReportItem } from "../../../worker/shared/wire-types";

/** A report with a place: the ones the map can show. */
export type PlacedReport = ReportItem & { latitude: number; longitude: number };

export const hasPlace = (r: ReportItem): r is PlacedReport => r.latitude !== null && r.longitude !== null;

/** The filter form: the query of GET /api/reports, with "" for "all". */
export type ReportFilters = { [K in keyof ReportListQuery]-?: NonNullable<ReportListQuery[K]> | "" };

/** GET /api/ui-config: the map's tile server, attribution (HTML, sanitised before use), centre and zoom. */
export type MapConfig = InferResponseType<typeof client.api["ui-config"]["$get"], 200>["map"];
