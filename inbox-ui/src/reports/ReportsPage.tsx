// "Meldungen": the map of incident reports with a filterable list beside it. The shell lazy-loads this
// module (named export `ReportsPage`); the map (Leaflet) is a further chunk loaded after the list.
import type { ComponentType } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { categories, loadCategories } from "../inbox/report-categories";
import { reportStatusLabel } from "../inbox/labels";
import { isApiError } from "../lib/api";
import { onRoomReconnect, subscribeRoom } from "../lib/room";
import type { ReportStatus } from "../lib/types";
import { errorText, formatNumber, SelectField, StatusMessage } from "../ui";
import { fetchReports, loadMapConfig } from "./report-data";
import { ReportList } from "./ReportList";
import type { ReportMapProps } from "./ReportMap";
import { ReportStatusBadge, STATUS_ORDER } from "./ReportStatusBadge";
import { tr } from "./strings";
import { hasPlace, type MapConfig, type ReportFilters, type ReportItem } from "./types";
import "./reports.css";

/** Live changes come in bursts (a status change also sends a message): one reload for a burst. */
const RELOAD_DELAY_MS = 300;

type MapState = { state: "loading" } | { state: "ready"; Map: ComponentType<ReportMapProps>; config: MapConfig } | { state: "failed" };

function useMapChunk(): MapState {
  const [map, setMap] = useState<MapState>({ state: "loading" });
  useEffect(() => {
    let alive = true;
    Promise.all([import("./ReportMap"), loadMapConfig()])
      .then(([m, config]) => alive && setMap({ state: "ready", Map: m.ReportMap, config }))
      .catch(() => alive && setMap({ state: "failed" }));
    return () => {
      alive = false;
    };
  }, []);
  return map;
}

function countText(n: number): string {
  if (n === 0) return tr("countNone");
  return n === 1 ? tr("countOne") : tr("countMany", { n: formatNumber(n) });
}

export function ReportsPage() {
  const [filters, setFilters] = useState<ReportFilters>({ status: "", category: "" });
  /** `key` names the filters the list was loaded for (the map fits itself to a new one). */
  const [data, setData] = useState<{ reports: ReportItem[]; truncated: boolean; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const mapChunk = useMapChunk();
  const hasData = useRef(false);
  hasData.current = data !== null;

  useEffect(() => {
    void loadCategories();
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    const key = `${filters.status}|${filters.category}`;
    fetchReports(filters, ac.signal)
      .then((d) => {
        setData({ ...d, key });
        setError(null);
      })
      .catch((err: unknown) => {
        if (ac.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
        if (isApiError(err, "network") && hasData.current) return; // keep the last list; the reconnect reloads
        setError(errorText(err));
      });
    return () => ac.abort();
  }, [filters, version]);

  // Live: report changes anywhere reload the list (and the markers); so does a reconnect.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const reload = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setVersion((v) => v + 1), RELOAD_DELAY_MS);
    };
    const offEvent = subscribeRoom((e) => {
      if (e.type === "report.changed") reload();
    });
    const offReconnect = onRoomReconnect(reload);
    return () => {
      offEvent();
      offReconnect();
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  const reports = useMemo(() => data?.reports ?? [], [data]);
  const placed = useMemo(() => reports.filter(hasPlace), [reports]);
  useEffect(() => {
    if (selectedId && !reports.some((r) => r.conversationId === selectedId)) setSelectedId(null);
  }, [reports, selectedId]);

  const showOnMap = useCallback((id: string) => {
    setSelectedId(id);
    setFocus((f) => ({ id, seq: (f?.seq ?? 0) + 1 }));
  }, []);

  // Categories: the configured ones, plus any still used by older reports or chosen now.
  const categoryOptions = useMemo(() => {
    const set = new Set(categories.value ?? []);
    for (const r of reports) set.add(r.category);
    if (filters.category) set.add(filters.category);
    return [...set];
  }, [categories.value, reports, filters.category]);

  const withoutPlace = reports.length - placed.length;

  return (
    <section class="reports-page" aria-labelledby="reports-title">
      <div class="reports-side">
        <div class="reports-head">
          <h1 id="reports-title">{tr("title")}</h1>
          <p class="muted small">{tr("intro")}</p>
          <div class="reports-filters" role="group" aria-label={tr("filtersLabel")}>
            <SelectField
              label={tr("filterStatus")}
              value={filters.status}
              onChange={(e) => setFilters((f) => ({ ...f, status: (e.currentTarget as HTMLSelectElement).value as ReportStatus | "" }))}
            >
              <option value="">{tr("allStatuses")}</option>
              {STATUS_ORDER.map((s) => (
                <option key={s} value={s}>
                  {reportStatusLabel(s)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={tr("filterCategory")}
              value={filters.category}
              onChange={(e) => setFilters((f) => ({ ...f, category: (e.currentTarget as HTMLSelectElement).value }))}
            >
              <option value="">{tr("allCategories")}</option>
              {categoryOptions.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
          </div>
          {data && (
            <p class="reports-count" role="status">
              {countText(reports.length)}
              {withoutPlace > 0 && `, ${tr("withoutPlace", { n: formatNumber(withoutPlace) })}`}
            </p>
          )}
          {data?.truncated && <p class="muted small">{tr("truncated", { n: formatNumber(reports.length) })}</p>}
          {error && <StatusMessage kind="error">{error}</StatusMessage>}
        </div>
        <div class="reports-list-scroll" aria-busy={data ? undefined : "true"}>
          {data && <ReportList reports={reports} selectedId={selectedId} mapReady={mapChunk.state === "ready"} onShowOnMap={showOnMap} />}
        </div>
      </div>
      <div class="reports-map-pane">
        <div class="report-legend" aria-label={tr("legend")} role="group">
          {STATUS_ORDER.map((s) => (
            <ReportStatusBadge key={s} status={s} />
          ))}
        </div>
        {mapChunk.state === "ready" ? (
          <mapChunk.Map reports={placed} config={mapChunk.config} fitKey={data?.key ?? null} focus={focus} selectedId={selectedId} onSelect={setSelectedId} />
        ) : mapChunk.state === "failed" ? (
          <p class="status-msg status-warn report-map-fallback" role="status">
            {tr("mapFailed")}
          </p>
        ) : (
          <p class="muted report-map-fallback" aria-busy="true">
            {tr("mapLoading")}
          </p>
        )}
      </div>
    </section>
  );
}
