// The town's street list (street → waste zone channel) as CSV, for "MÜLL Bahnstraße".
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Button, StatusMessage, TextArea, errorText, useAction } from "../ui";
import { tk } from "./strings";
import type { StreetRow } from "./types";
import "./calendars.css";

export function StreetListCard() {
  const [rows, setRows] = useState<StreetRow[] | null>(null);
  const [csv, setCsv] = useState("");
  const { busy, error, info: notice, setError, setInfo: setNotice, run } = useAction();

  useEffect(() => {
    call(client.api.calendars.streets.$get())
      .then((r) => {
        setRows(r.streets);
        setCsv(r.streets.map((s) => `${s.street};${s.channelName}`).join("\n"));
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, []);

  function save(e: Event) {
    e.preventDefault();
    void run(async () => {
      const r = await call(client.api.calendars.streets.$put({ json: { csv } }));
      setRows(r.streets);
      setNotice(tk("streetsSaved", { n: r.streets.length }));
    });
  }

  return (
    <div class="cz-card">
      <h2>{tk("streets")}</h2>
      <p class="muted">{tk("streetsIntro")}</p>
      {rows && rows.length > 0 && <p>{tk("streetsCount", { n: rows.length })}</p>}
      <form onSubmit={save} class="stack">
        <TextArea label={tk("streetsCsv")} rows={4} value={csv} placeholder={"Bahnstraße;Müll Zone 2\nHauptplatz;Müll Zone 1"} onInput={(e) => setCsv(e.currentTarget.value)} />
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
        <div>
          <Button type="submit" busy={busy} disabled={!csv.trim()}>
            {tk("streetsSave")}
          </Button>
        </div>
      </form>
    </div>
  );
}
