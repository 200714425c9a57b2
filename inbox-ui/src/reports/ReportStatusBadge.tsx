// The status of a report as the list, the legend and the map show it: colour, a symbol and the word
// (never colour alone).
import { reportStatusLabel } from "../inbox/labels";
import type { ReportStatus } from "../lib/types";

export const STATUS_ORDER: ReportStatus[] = ["neu", "in_bearbeitung", "erledigt"];

/** Shape cue besides the colour: "!" new, "…" in progress, "✓" done. */
export const STATUS_GLYPH: Record<ReportStatus, string> = { neu: "!", in_bearbeitung: "…", erledigt: "✓" };

export function ReportStatusBadge({ status }: { status: ReportStatus }) {
  return (
    <span class={`report-status rs-${status}`}>
      <span class="report-glyph" aria-hidden="true">
        {STATUS_GLYPH[status]}
      </span>
      {reportStatusLabel(status)}
    </span>
  );
}
