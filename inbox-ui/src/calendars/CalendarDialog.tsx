// A channel's calendar: upload or paste an ICS file or give its URL, lead time and template; see
// the next reminder, the next dates, recent reminders and what went wrong.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { ApiError, call } from "../lib/api";
import { client } from "../lib/client";
import { Button, ConfirmDialog, Dialog, SelectField, StatusMessage, TextArea, TextField, errorText, formatDateTime } from "../ui";
import { CalendarDates } from "./CalendarDates";
import { tk } from "./strings";
import type { CalendarKind, CalendarView, TemplateOption } from "./types";
import "./calendars.css";

interface Props {
  channel: { id: string; name: string } | null;
  onClose: () => void;
}

const calendarOf = client.api.channels[":id"].calendar;

export function CalendarDialog({ channel, onClose }: Props) {
  const [calendar, setCalendar] = useState<CalendarView | null>(null);
  const [loading, setLoading] = useState(false);
  const [templates, setTemplates] = useState<TemplateOption[]>([]);
  const [kind, setKind] = useState<CalendarKind>("waste");
  const [source, setSource] = useState<"ics" | "url">("ics");
  const [ics, setIcs] = useState("");
  const [url, setUrl] = useState("");
  const [lead, setLead] = useState("360");
  const [template, setTemplate] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    if (!channel) return;
    setError(null);
    setNotice(null);
    setIcs("");
    setLoading(true);
    call(client.api.templates.$get({ query: { status: "APPROVED" } }))
      .then((r) => setTemplates(r.templates.filter((x) => x.parameterCount === 2)))
      .catch(() => setTemplates([]));
    call(calendarOf.$get({ param: { id: channel.id } }))
      .then((r) => show(r.calendar))
      .catch((err: unknown) => {
        setCalendar(null);
        if (!(err instanceof ApiError && err.status === 404)) setError(errorText(err));
      })
      .finally(() => setLoading(false));
  }, [channel?.id]);

  function show(c: CalendarView) {
    setCalendar(c);
    setKind(c.kind);
    setSource(c.url ? "url" : "ics");
    setUrl(c.url ?? "");
    setLead(String(c.leadMinutes));
    setTemplate(c.template ? `${c.template.name}|${c.template.language}` : "");
  }

  async function readFile(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) setIcs(await file.text());
  }

  async function save(e: Event) {
    e.preventDefault();
    if (!channel) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    const [name, language] = template.split("|");
    const json = {
      kind,
      leadMinutes: Number(lead) || 0,
      template: name && language ? { name, language } : null,
      // No new text: the server keeps the stored file (only lead time or template change).
      ...(source === "url" ? { url: url.trim() } : ics.trim() ? { ics } : {}),
    };
    try {
      const r = await call(calendarOf.$put({ param: { id: channel.id }, json }));
      show(r.calendar);
      setIcs("");
      setNotice(tk("saved"));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!channel) return;
    setConfirming(false);
    setBusy(true);
    try {
      await call(calendarOf.$delete({ param: { id: channel.id } }));
      setCalendar(null);
      setNotice(tk("removed"));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const keepIcs = source === "ics" && !ics && !!calendar && !calendar.url;
  return (
    <Dialog open={!!channel} title={tk("calendarOf", { name: channel?.name ?? "" })} onClose={onClose} class="dialog-wide cal-dialog">
      <p class="muted">{tk("intro")}</p>
      {loading && <p class="muted">{tk("loading")}</p>}
      {calendar?.error && (
        <StatusMessage kind="error">
          <strong>{tk("errorState")}:</strong> {calendar.error}
        </StatusMessage>
      )}
      {calendar && (
        <section class="cal-summary" aria-label={tk("next")} data-testid="calendar-next">
          <h3>{tk("next")}</h3>
          <p>
            {calendar.next
              ? tk("nextLine", { summary: calendar.next.summary, day: calendar.next.dayLabel, at: formatDateTime(calendar.next.remindAt) })
              : tk("nextNone")}
          </p>
          <p class="muted">{tk("loaded", { at: formatDateTime(calendar.refreshedAt) })}</p>
        </section>
      )}
      {!loading && !calendar && <p>{tk("none")}</p>}
      <form onSubmit={save} class="stack">
        <SelectField label={tk("kind")} value={kind} onChange={(e) => setKind(e.currentTarget.value as CalendarKind)}>
          <option value="waste">{tk("kindWaste")}</option>
          <option value="events">{tk("kindEvents")}</option>
        </SelectField>
        <fieldset class="cal-source">
          <legend>{tk("source")}</legend>
          <label>
            <input type="radio" name="cal-source" checked={source === "ics"} onChange={() => setSource("ics")} /> {tk("sourceFile")}
          </label>
          <label>
            <input type="radio" name="cal-source" checked={source === "url"} onChange={() => setSource("url")} /> {tk("sourceUrl")}
          </label>
        </fieldset>
        {source === "ics" ? (
          <>
            <div class="field">
              <label for="cal-file">{tk("file")}</label>
              <input id="cal-file" type="file" accept=".ics,text/calendar" onChange={(e) => void readFile(e)} />
            </div>
            <TextArea label={tk("icsText")} hint={tk("icsHint")} rows={6} value={ics} spellcheck={false} class="cal-ics" onInput={(e) => setIcs(e.currentTarget.value)} />
          </>
        ) : (
          <TextField label={tk("url")} hint={tk("urlHint")} type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        )}
        <TextField label={tk("lead")} hint={tk("leadHint")} type="number" min={0} max={10080} value={lead} onInput={(e) => setLead(e.currentTarget.value)} />
        <SelectField label={tk("template")} hint={tk("templateHint")} value={template} onChange={(e) => setTemplate(e.currentTarget.value)}>
          <option value="">{tk("noTemplate")}</option>
          {templates.map((x) => (
            <option key={`${x.name}|${x.language}`} value={`${x.name}|${x.language}`}>
              {x.name} ({x.language})
            </option>
          ))}
        </SelectField>
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
        <div class="dialog-actions">
          {calendar && (
            <Button variant="ghost" onClick={() => setConfirming(true)} disabled={busy}>
              {tk("remove")}
            </Button>
          )}
          <Button onClick={onClose}>{t("close")}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={source === "ics" ? !ics.trim() && !keepIcs : !url.trim()}>
            {tk("save")}
          </Button>
        </div>
      </form>
      {calendar && <CalendarDates calendar={calendar} />}
      <ConfirmDialog
        open={confirming}
        title={tk("remove")}
        message={tk("removeQuestion", { name: channel?.name ?? "" })}
        confirmLabel={tk("remove")}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => void remove()}
      />
    </Dialog>
  );
}

