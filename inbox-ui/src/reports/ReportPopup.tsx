// What a marker's popup shows: category, status, place, the citizen's photo and the way to the conversation.
import { t } from "../i18n";
import { linkClick, routes } from "../lib/router";
import { formatCoordinates } from "../ui";
import { ReportStatusBadge } from "./ReportStatusBadge";
import { tr } from "./strings";
import type { PlacedReport } from "./types";

export function ReportPopup({ report: r }: { report: PlacedReport }) {
  const name = r.citizenName?.trim() || t("unknownCitizen");
  return (
    <div class="report-popup">
      <p class="report-popup-category">{r.category}</p>
      <ReportStatusBadge status={r.status} />
      <p class="report-popup-place">{r.address ?? formatCoordinates(r.latitude, r.longitude)}</p>
      <p class="muted small">{name}</p>
      {r.photoUrl && <img class="report-popup-photo" src={r.photoUrl} alt={tr("photoAlt", { name })} width={220} height={140} loading="lazy" />}
      <a class="report-popup-link" href={routes.conversation(r.conversationId)} onClick={linkClick}>
        {tr("openConversation")}
      </a>
    </div>
  );
}
