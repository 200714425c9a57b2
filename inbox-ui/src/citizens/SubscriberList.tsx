// Subscribers: search by name or number, filter by channel and status, page with "Mehr laden".
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick } from "../lib/router";
import { SelectField, StatusMessage, TextField, Button, errorText, formatDate, formatNumber } from "../ui";
import { formatPhone } from "../ui/phone";
import { citizenPaths } from "./paths";
import { tc } from "./strings";
import type { Channel, SubscriberSummary } from "./types";

type Status = "all" | "subscribed" | "unsubscribed";

export function formatNumberOf(s: Pick<SubscriberSummary, "waId" | "userId">): string {
  return s.waId ? formatPhone(s.waId) : (s.userId ?? "–");
}

export function SubscriberList({ initialChannel }: { initialChannel: string | null }) {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [channel, setChannel] = useState(initialChannel ?? "");
  const [status, setStatus] = useState<Status>("all");
  const [rows, setRows] = useState<SubscriberSummary[] | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const debounce = useRef<number | undefined>(undefined);

  useEffect(() => {
    call(client.api.channels.$get())
      .then((r) => setChannels(r.channels))
      .catch(() => setChannels([]));
  }, []);

  function params(after: string | null) {
    return { ...(query ? { q: query } : {}), ...(channel ? { channel } : {}), ...(status !== "all" ? { status } : {}), ...(after ? { cursor: after } : {}) };
  }

  async function load(after: string | null) {
    setBusy(true);
    setError(null);
    try {
      const res = await call(client.api.subscribers.$get({ query: params(after) }));
      setRows((prev) => (after ? [...(prev ?? []), ...res.subscribers] : res.subscribers));
      setCounts(res.counts);
      setCursor(res.nextCursor);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    void load(null);
  }, [query, channel, status]);

  const names = new Map(channels.map((c) => [c.id, c.name]));

  return (
    <div class="cz-card">
      <form class="cz-toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label={tc("search")}
          placeholder={tc("searchHint")}
          type="search"
          value={q}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setQ(v);
            window.clearTimeout(debounce.current);
            debounce.current = window.setTimeout(() => setQuery(v.trim()), 300);
          }}
        />
        <SelectField label={tc("channelFilter")} value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
          <option value="">{tc("allChannels")}</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({formatNumber(counts[c.id] ?? 0)})
            </option>
          ))}
        </SelectField>
        <SelectField label={tc("statusFilter")} value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
          <option value="all">{tc("statusAll")}</option>
          <option value="subscribed">{tc("statusSubscribed")}</option>
          <option value="unsubscribed">{tc("statusUnsubscribed")}</option>
        </SelectField>
      </form>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {rows && rows.length === 0 && <p class="muted cz-mt">{tc("noSubscribers")}</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{tc("subscribersCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{tc("colPerson")}</th>
                <th scope="col">{tc("colNumber")}</th>
                <th scope="col">{tc("colChannels")}</th>
                <th scope="col">{tc("colSince")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id} data-subscriber={s.id}>
                  <th scope="row">
                    <a href={citizenPaths.subscriber(s.id)} onClick={linkClick}>
                      {s.name ?? tc("unnamed")}
                    </a>
                  </th>
                  <td>{formatNumberOf(s)}</td>
                  <td>
                    {s.channels.length ? (
                      s.channels.map((id) => (
                        <span key={id} class="tag tag-ok cz-tag">
                          {names.get(id) ?? id}
                        </span>
                      ))
                    ) : (
                      <span class="muted">{tc("noChannels")}</span>
                    )}
                  </td>
                  <td>{formatDate(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <p class="cz-mt">
          <Button busy={busy} onClick={() => void load(cursor)}>
            {tc("loadMore")}
          </Button>
        </p>
      )}
    </div>
  );
}
