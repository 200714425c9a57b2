// The list beside the map: every report of the current filter, also those without a place. It is the
// keyboard path: each entry can be shown on the map or opened in the inbox.
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";
import { linkClick, routes } from "../lib/router";
import { formatCoordinates, formatDateTime } from "../ui";
import { ReportStatusBadge } from "./ReportStatusBadge";
import { tr } from "./strings";
import { hasPlace, type ReportItem } from "./types";

export interface ReportListProps {
  reports: ReportItem[];
  selectedId: string | null;
  /** False while the map is not available: then there is no "show on map". */
  mapReady: boolean;
  onShowOnMap: (id: string) => void;
}

export function ReportList({ reports, selectedId, mapReady, onShowOnMap }: ReportListProps) {
  const list = useRef<HTMLUListElement>(null);
  // A marker clicked on the map: bring its entry into view.
  useEffect(() => {
    if (!selectedId) return;
    list.current?.querySelector(`[data-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selectedId]);

  if (reports.length === 0) return <p class="list-empty">{tr("empty")}</p>;
  return (
    <ul class="report-list" ref={list} aria-label={tr("listLabel")}>
      {reports.map((r) => {
        const name = r.citizenName?.trim() || t("unknownCitizen");
        const placed = hasPlace(r);
        // Repeated button texts get the entry's words for screen readers ("… : Müll, Eva Huber").
        const who = `${r.category}, ${name}`;
        return (
          <li key={r.conversationId} data-id={r.conversationId} class={`report-item${r.conversationId === selectedId ? " is-selected" : ""}`}>
            {r.photoUrl && <img class="report-thumb" src={r.photoUrl} alt={tr("photoAlt", { name })} width={56} height={56} loading="lazy" />}
            <div class="report-item-main">
              <div class="report-item-top">
                <span class="report-item-category">{r.category}</span>
                <ReportStatusBadge status={r.status} />
              </div>
              <p class="report-item-place">{r.address ?? (placed ? formatCoordinates(r.latitude, r.longitude) : <em>{tr("noPlace")}</em>)}</p>
              <p class="muted small">
                {name} · {tr("changedAt", { time: formatDateTime(r.updatedAt) })}
              </p>
              <div class="report-item-actions">
                {placed && mapReady && (
                  <button type="button" class="btn btn-small" onClick={() => onShowOnMap(r.conversationId)}>
                    {tr("showOnMap")}
                    <span class="visually-hidden">: {who}</span>
                  </button>
                )}
                <a class="btn btn-small btn-ghost" href={routes.conversation(r.conversationId)} onClick={linkClick}>
                  {tr("openConversation")}
                  <span class="visually-hidden">: {who}</span>
                </a>
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
