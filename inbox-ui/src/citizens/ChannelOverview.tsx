// Channels with subscriber counts (create, edit, archive), the growth chart and, for admins, the
// WhatsApp keywords.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick } from "../lib/router";
import { hasRole } from "../lib/session";
import { Button, ConfirmDialog, StatusMessage, errorText, formatNumber } from "../ui";
import { CalendarDialog } from "../calendars/CalendarDialog";
import { StreetListCard } from "../calendars/StreetListCard";
import { tk } from "../calendars/strings";
import { ChannelDialog } from "./ChannelDialog";
import { GrowthCard } from "./GrowthCard";
import { KeywordSettings } from "./KeywordSettings";
import { citizenPaths } from "./paths";
import { tc } from "./strings";
import type { Channel } from "./types";

export function ChannelOverview() {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<Channel | "new" | null>(null);
  const [archiving, setArchiving] = useState<Channel | null>(null);
  const [calendarOf, setCalendarOf] = useState<Channel | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    call(client.api.channels.$get())
      .then((r) => setChannels(r.channels))
      .catch((err: unknown) => setError(errorText(err)));
  }, [version]);

  async function setArchived(ch: Channel, archived: boolean) {
    setBusyId(ch.id);
    setError(null);
    setNotice(null);
    try {
      await call(client.api.channels[":id"].$patch({ param: { id: ch.id }, json: { archived } }));
      setNotice(tc(archived ? "archivedDone" : "unarchivedDone", { name: ch.name }));
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusyId(null);
    }
  }

  return (
    <div class="cz-grid">
      <div class="cz-card">
        <div class="cz-card-head">
          <p class="muted">{tc("intro")}</p>
          <Button variant="primary" onClick={() => setEditing("new")}>
            {tc("newChannel")}
          </Button>
        </div>
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
        {channels === null && !error && <p class="muted">{tc("loading")}</p>}
        {channels && (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{tc("channelsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{tc("colName")}</th>
                  <th scope="col">{tc("colKeyword")}</th>
                  <th scope="col">{tc("colDefault")}</th>
                  <th scope="col">{tc("colSubscribers")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{tc("colActions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {channels.map((ch) => (
                  <tr key={ch.id} class={ch.archived ? "is-disabled" : ""} data-channel={ch.id}>
                    <th scope="row">
                      {ch.name} {ch.archived && <span class="tag tag-closed">{tc("archived")}</span>}
                      {ch.public && <span class="tag">{tc("publicTag")}</span>}
                      {ch.description && <span class="cz-desc">{ch.description}</span>}
                    </th>
                    <td>{ch.keyword ? <code>{ch.keyword}</code> : <span class="muted">–</span>}</td>
                    <td>{ch.defaultOn ? tc("defaultOn") : tc("defaultOff")}</td>
                    <td>
                      {/* The visible number is part of the link's name (WCAG 2.5.3), the rest is for screen readers. */}
                      <a href={`${citizenPaths.subscribers}?kanal=${encodeURIComponent(ch.id)}`} onClick={linkClick}>
                        <span class="cz-count">{formatNumber(ch.subscriberCount)}</span>
                        <span class="visually-hidden">{` – ${tc("showSubscribers")}: ${ch.name}`}</span>
                      </a>
                    </td>
                    <td>
                      <div class="cz-actions">
                        <Button small onClick={() => setEditing(ch)} aria-label={`${tc("edit")}: ${ch.name}`}>
                          {tc("edit")}
                        </Button>
                        {!ch.archived && (
                          <Button small onClick={() => setCalendarOf(ch)} aria-label={`${tk("calendar")}: ${ch.name}`}>
                            {tk("calendar")}
                          </Button>
                        )}
                        {ch.archived ? (
                          <Button small busy={busyId === ch.id} onClick={() => void setArchived(ch, false)}>
                            {tc("unarchive")}
                          </Button>
                        ) : (
                          <Button small variant="ghost" busy={busyId === ch.id} onClick={() => setArchiving(ch)}>
                            {tc("archive")}
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <GrowthCard version={version} />
      {hasRole("editor") && <StreetListCard />}
      <CalendarDialog channel={calendarOf} onClose={() => setCalendarOf(null)} />
      {hasRole("admin") && <KeywordSettings />}
      <ChannelDialog
        channel={editing}
        nextPosition={(channels ?? []).reduce((m, c) => Math.max(m, c.position + 1), 0)}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setNotice(tc("saved"));
          setVersion((v) => v + 1);
        }}
      />
      <ConfirmDialog
        open={!!archiving}
        title={tc("archiveTitle")}
        message={tc("archiveQuestion", { name: archiving?.name ?? "", n: archiving?.subscriberCount ?? 0 })}
        confirmLabel={tc("archive")}
        danger
        onCancel={() => setArchiving(null)}
        onConfirm={() => {
          const ch = archiving;
          setArchiving(null);
          if (ch) void setArchived(ch, true);
        }}
      />
    </div>
  );
}
