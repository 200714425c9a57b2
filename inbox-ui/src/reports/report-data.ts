// Loading the reports (filtered by the server) and the map settings for the reports page.
import { api, call } from "../lib/api";
import { client } from "../lib/client";
import type { MapConfig, ReportFilters, ReportItem } from "./types";

export async function fetchReports(filters: ReportFilters, signal?: AbortSignal): Promise<{ reports: ReportItem[]; truncated: boolean }> {
  const q = new URLSearchParams();
  if (filters.status) q.set("status", filters.status);
  if (filters.category) q.set("category", filters.category);
  const qs = q.toString();
  return api(`/api/reports${qs ? `?${qs}` : ""}`, { signal });
}

let mapConfig: Promise<MapConfig> | null = null;

/** The tile server and default centre rarely change: fetched once per page load (again after a failure). */
export function loadMapConfig(): Promise<MapConfig> {
  mapConfig ??= call(client.api["ui-config"].$get()).then(
    (r) => r.map,
    (err: unknown) => {
      mapConfig = null;
      throw err;
    },
  );
  return mapConfig;
}
