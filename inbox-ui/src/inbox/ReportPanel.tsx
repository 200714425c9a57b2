// Incident report ("Meldung") of a conversation: category, status (the citizen is told on change),
// and the location the citizen sent, with a link to OpenStreetMap.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import type { ConversationDetail, MessageView, ReportStatus } from "../lib/types";
import { Button, SelectField, TextField, formatCoordinates, useAction, openStreetMapUrl } from "../ui";
import { updateReport, type ReportPatch } from "./conversation-store";
import { reportStatusKeys } from "./labels";
import { categories, loadCategories } from "./report-categories";
import { PublicSummary } from "./PublicSummary";
import { ReportDuplicates } from "./ReportDuplicates";
import { tp } from "./public-report-strings";
import { UndoNotice } from "../outreach/UndoNotice";

const statuses: ReportStatus[] = ["neu", "in_bearbeitung", "erledigt"];

export function latestLocation(messages: MessageView[]): NonNullable<MessageView["location"]> | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const loc = messages[i]?.location;
    if (loc && messages[i]?.direction === "in") return loc;
  }
  return null;
}

/** `onClose`: on phones the panel is a sheet over the conversation, with its own close button. */
export function ReportPanel({ conv, messages, id, onClose }: { conv: ConversationDetail; messages: MessageView[]; id: string; onClose?: () => void }) {
  const report = conv.report;
  const pendingNews = [...messages].reverse().find((m) => m.direction === "out" && m.status === "scheduled" && !!m.undoUntil);
  const [category, setCategory] = useState("");
  const [address, setAddress] = useState(report?.address ?? "");
  const { busy, error, info: saved, setInfo: setSaved, run } = useAction();
  /** The status just chosen, shown checked while it is saved (and dropped again if saving fails). */
  const [statusDraft, setStatusDraft] = useState<ReportStatus | null>(null);
  useEffect(() => void loadCategories(), []);
  useEffect(() => setAddress(report?.address ?? ""), [report?.address]);

  const cats = categories.value ?? [];
  const sent = latestLocation(messages);

  const save = (patch: ReportPatch | { report: null }, done: string) =>
    run(async () => {
      await updateReport(conv.id, patch);
      setSaved(done);
    });

  function markAsReport(e: Event) {
    e.preventDefault();
    const cat = category || cats[0];
    if (!cat) return;
    const patch: ReportPatch = { category: cat, status: "neu" };
    if (sent) {
      patch.latitude = sent.latitude;
      patch.longitude = sent.longitude;
      if (sent.address) patch.address = sent.address;
    }
    void save(patch, t("reportCreated"));
  }

  return (
    <section class="report-panel" id={id} aria-labelledby={`${id}-title`}>
      {onClose && (
        <Button small class="report-sheet-close" onClick={onClose}>
          {t("close")}
        </Button>
      )}
      <h3 id={`${id}-title`}>{t("reportTitle")}</h3>
      {!report ? (
        <form onSubmit={markAsReport}>
          <p class="muted small">{t("reportNone")}</p>
          <SelectField label={t("reportCategory")} value={category || cats[0] || ""} onChange={(e) => setCategory(e.currentTarget.value)}>
            {cats.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          {sent && <p class="small">{t("reportUsesLocation")}</p>}
          <Button type="submit" variant="primary" busy={busy} disabled={cats.length === 0}>
            {t("reportMark")}
          </Button>
        </form>
      ) : (
        <div class="report-body">
          <ReportDuplicates conversationId={conv.id} report={report} />
          <SelectField label={t("reportCategory")} value={report.category ?? ""} disabled={busy} onChange={(e) => void save({ category: e.currentTarget.value }, t("saved"))}>
            {report.category && !cats.includes(report.category) && <option value={report.category}>{report.category}</option>}
            {cats.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <fieldset class="report-status">
            <legend>{t("reportStatus")}</legend>
            {statuses.map((s) => (
              <label key={s} class="radio">
                <input
                  type="radio"
                  name={`${id}-status`}
                  value={s}
                  checked={(statusDraft ?? report.status) === s}
                  disabled={busy}
                  onChange={() => {
                    setStatusDraft(s);
                    void save({ status: s }, t("reportStatusSaved")).finally(() => setStatusDraft(null));
                  }}
                />
                {t(reportStatusKeys[s])}
              </label>
            ))}
            <p class="field-hint">{t("reportStatusHint")}</p>
          </fieldset>
          {/* On a phone the sheet covers the history: the news about to go out, with its undo, shows here too. */}
          {pendingNews && (
            <div class="report-undo">
              <UndoNotice m={pendingNews} />
            </div>
          )}
          <div class="report-location">
            <p class="label-like">{t("reportLocation")}</p>
            {report.latitude !== null && report.longitude !== null ? (
              <p>
                <span class="location-coords">{formatCoordinates(report.latitude, report.longitude)}</span>{" "}
                <a href={openStreetMapUrl(report.latitude, report.longitude)} target="_blank" rel="noopener noreferrer">
                  {t("openInOsm")}
                  <span class="visually-hidden"> {t("opensNewTab")}</span>
                </a>
              </p>
            ) : (
              <p class="muted small">{t("reportNoLocation")}</p>
            )}
            {sent && (sent.latitude !== report.latitude || sent.longitude !== report.longitude) && (
              <Button small onClick={() => void save({ latitude: sent.latitude, longitude: sent.longitude, ...(sent.address ? { address: sent.address } : {}) }, t("saved"))} disabled={busy}>
                {t("reportTakeLocation")}
              </Button>
            )}
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void save({ address: address.trim() }, t("saved"));
              }}
            >
              <TextField label={t("reportAddress")} value={address} onInput={(e) => setAddress(e.currentTarget.value)} maxLength={300} />
              <Button type="submit" small disabled={busy || address.trim() === (report.address ?? "")}>
                {t("save")}
              </Button>
            </form>
          </div>
          <PublicSummary report={report} busy={busy} onSave={(publicSummary) => void save({ publicSummary }, tp("summarySaved"))} />
          <Button variant="ghost" small class="btn-danger-text" onClick={() => void save({ report: null }, t("reportRemoved"))} disabled={busy}>
            {t("reportRemove")}
          </Button>
        </div>
      )}
      {error && (
        <p class="status-msg status-error" role="alert">
          {error}
        </p>
      )}
      {saved && !error && (
        <p class="status-msg status-ok" role="status">
          {saved}
        </p>
      )}
    </section>
  );
}
