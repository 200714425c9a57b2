// Loading the reports (filtered by the server) and the map settings for the reports page.
import { call } from "../lib/api";
import { client } from "../lib/client";
import type { MapConfig, ReportFilters } from "./types";

export function fetchReports(filters: ReportFilters, signal?: AbortSignal) {
  const query = { ...(filters.status ? { status: filters.status } : {}), ...(filters.category ? { category: filters.category } : {}) };
  return call(client.api.reports.$get({ query }, { init: { signal } }));
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
