// "Neuer Entwurf aus dem Kalender" on the broadcasts page: next week's events of an events
// calendar become a newsletter draft, opened in the editor. Nothing is sent here.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { navigate } from "../lib/router";
import { Button, SelectField, StatusMessage, errorText } from "../ui";
import { tk } from "./strings";
import type { CalendarSummary } from "./types";
import "./calendars.css";

export function DraftFromCalendar({ editPath }: { editPath: (id: string) => string }) {
  const [calendars, setCalendars] = useState<CalendarSummary[]>([]);
  const [open, setOpen] = useState(false);
  const [channelId, setChannelId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call(client.api.calendars.$get())
      .then((r) => {
        const events = r.calendars.filter((c) => c.kind === "events");
        setCalendars(events);
        setChannelId(events[0]?.channelId ?? "");
      })
      .catch(() => setCalendars([]));
  }, []);

  async function create() {
    setBusy(true);
    setError(null);
    try {
      const r = await call(client.api.channels[":id"].calendar.draft.$post({ param: { id: channelId } }));
      navigate(editPath(r.broadcast.id));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <Button onClick={() => setOpen(true)} aria-expanded="false">
        {tk("draftFromCalendar")}
      </Button>
    );
  }
  return (
    <div class="cz-card stack" role="group" aria-label={tk("draftFromCalendar")}>
      <p class="muted">{tk("draftHint")}</p>
      {calendars.length === 0 ? (
        <p>{tk("noEventCalendars")}</p>
      ) : (
        <div class="cal-draft">
          <SelectField label={tk("draftChoose")} value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)}>
            {calendars.map((c) => (
              <option key={c.channelId} value={c.channelId}>
                {c.channelName}
              </option>
            ))}
          </SelectField>
          <Button variant="primary" busy={busy} disabled={!channelId} onClick={() => void create()}>
            {tk("draftCreate")}
          </Button>
        </div>
      )}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
    </div>
  );
}
