// The slippy map (Leaflet, tiles from MAP_TILE_URL): one marker per placed report, coloured and
// marked by status, with a popup. Its own chunk, loaded after the list, so the list works even when
// Leaflet or the tiles cannot be loaded; failing tiles only leave the background grey.
import { divIcon, latLngBounds, layerGroup, map as createMap, marker as createMarker, tileLayer, type LayerGroup, type Map as LeafletMap, type Marker } from "leaflet";
import "leaflet/dist/leaflet.css";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { lang } from "../i18n";
import { reportStatusLabel } from "../inbox/labels";
import { formatCoordinates } from "../ui";
import { safeAttribution } from "./attribution";
import { ReportPopup } from "./ReportPopup";
import { STATUS_GLYPH } from "./ReportStatusBadge";
import { tr } from "./strings";
import type { MapConfig, PlacedReport } from "./types";

export interface ReportMapProps {
  reports: PlacedReport[];
  config: MapConfig;
  /** The view is fitted to the markers whenever this changes (a new filter), not on live updates; null = still loading. */
  fitKey: string | null;
  /** "Show on map" from the list; `seq` repeats the same report. */
  focus: { id: string; seq: number } | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
}

const MARKER_SIZE = 28;
/** Close enough to see the street, for a single report or one picked from the list. */
const DETAIL_ZOOM = 16;

function markerIcon(r: PlacedReport, selected: boolean) {
  return divIcon({
    className: `report-marker rs-${r.status}${selected ? " is-selected" : ""}`,
    html: `<span aria-hidden="true">${STATUS_GLYPH[r.status]}</span>`,
    iconSize: [MARKER_SIZE, MARKER_SIZE],
    iconAnchor: [MARKER_SIZE / 2, MARKER_SIZE / 2],
    popupAnchor: [0, -MARKER_SIZE / 2],
  });
}

function markerTitle(r: PlacedReport): string {
  return tr("markerTitle", { category: r.category, status: reportStatusLabel(r.status), place: r.address ?? formatCoordinates(r.latitude, r.longitude) });
}

export function ReportMap({ reports, config, fitKey, focus, selectedId, onSelect }: ReportMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<LeafletMap | null>(null);
  const layerRef = useRef<LayerGroup | null>(null);
  const markers = useRef(new Map<string, { marker: Marker; report: PlacedReport; popup: HTMLElement }>());
  const fittedFor = useRef<string | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [tilesFailed, setTilesFailed] = useState(false);
  // Marker titles are plain attributes: rebuilt when the language changes.
  const language = lang.value;

  // The map itself, once per configuration.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const { latitude, longitude } = config.defaultCenter;
    const map = createMap(el, { center: [latitude, longitude], zoom: config.defaultZoom });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>');
    let loaded = 0;
    tileLayer(config.tileUrl, { attribution: safeAttribution(config.attribution), maxZoom: 19 })
      .on("tileload", () => {
        loaded++;
        setTilesFailed(false);
      })
      .on("tileerror", () => {
        if (loaded === 0) setTilesFailed(true);
      })
      .addTo(map);
    layerRef.current = layerGroup().addTo(map);
    mapRef.current = map;
    fittedFor.current = null;
    // Leaflet finishes a zoom animation on a timer that fails on a removed map: remove after it.
    let zooming = false;
    map.on("zoomanim", () => (zooming = true)).on("zoomend", () => (zooming = false));
    const current = markers.current;
    return () => {
      for (const { popup } of current.values()) render(null, popup);
      current.clear();
      mapRef.current = null;
      layerRef.current = null;
      if (zooming) map.once("zoomend", () => map.remove());
      else map.remove();
    };
  }, [config]);

  // Markers, rebuilt whenever the reports change (filters, live updates).
  useEffect(() => {
    const map = mapRef.current;
    const layer = layerRef.current;
    if (!map || !layer) return;
    for (const { popup } of markers.current.values()) render(null, popup);
    markers.current.clear();
    layer.clearLayers();
    for (const r of reports) {
      const popup = document.createElement("div");
      render(<ReportPopup report={r} />, popup);
      const marker = createMarker([r.latitude, r.longitude], { icon: markerIcon(r, false), title: markerTitle(r), keyboard: false, riseOnHover: true })
        // Padding keeps an opened popup clear of the zoom buttons (top left) and the attribution (bottom).
        .bindPopup(popup, { minWidth: 220, maxWidth: 260, autoPanPaddingTopLeft: [56, 12], autoPanPaddingBottomRight: [12, 28] })
        .on("click", () => onSelectRef.current(r.conversationId));
      layer.addLayer(marker);
      markers.current.set(r.conversationId, { marker, report: r, popup });
    }
    if (fitKey !== null && fittedFor.current !== fitKey) {
      fittedFor.current = fitKey;
      if (reports.length > 0) {
        const bounds = latLngBounds(reports.map((r) => [r.latitude, r.longitude] as [number, number]));
        map.fitBounds(bounds, { padding: [40, 40], maxZoom: DETAIL_ZOOM, animate: false });
      } else {
        map.setView([config.defaultCenter.latitude, config.defaultCenter.longitude], config.defaultZoom, { animate: false });
      }
    }
  }, [reports, fitKey, config, language]);

  // The selected report's marker stands out.
  useEffect(() => {
    for (const [id, { marker, report }] of markers.current) marker.setIcon(markerIcon(report, id === selectedId));
  }, [selectedId, reports]);

  // "Show on map" from the list: centre on the marker and open its popup.
  useEffect(() => {
    const map = mapRef.current;
    const entry = focus ? markers.current.get(focus.id) : undefined;
    if (!map || !entry) return;
    map.setView(entry.marker.getLatLng(), Math.max(map.getZoom(), DETAIL_ZOOM));
    entry.marker.openPopup();
  }, [focus]);

  return (
    <div class="report-map-wrap">
      {tilesFailed && (
        <p class="status-msg status-warn report-map-note" role="status">
          {tr("tilesFailed")}
        </p>
      )}
      <div ref={container} class="report-map" role="region" aria-label={tr("mapLabel")} />
    </div>
  );
}
