// All broadcasts, newest first, with live numbers while one is sending.
import { useEffect, useState } from "preact/hooks";
import { GrowthCard } from "../citizens/GrowthCard";
import "../citizens/citizens.css";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { onRoomReconnect, subscribeRoom } from "../lib/room";
import { linkClick } from "../lib/router";
import { Button, ProgressBar, StatusMessage, errorText, formatDateTime, formatNumber } from "../ui";
import { DraftFromCalendar } from "../calendars/DraftFromCalendar";
import { doneOf, kindLabel, statusLabel } from "./labels";
import { broadcastPaths } from "./paths";
import { tb } from "./strings";
import type { BroadcastCounts, BroadcastStatus, BroadcastView } from "./types";
import { PendingApprovalList } from "../trust/PendingApprovalList";
import { ta } from "../trust/approval-strings";

export function BroadcastList() {
  const [items, setItems] = useState<BroadcastView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = (after: string | null = null) => {
    setBusy(true);
    call(client.api.broadcasts.$get({ query: { limit: "30", ...(after ? { cursor: after } : {}) } }))
      .then((r) => {
        setItems((prev) => (after && prev ? [...prev, ...r.broadcasts] : r.broadcasts));
        setCursor(r.nextCursor);
        setError(null);
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  useEffect(() => {
    load();
    const offEvent = subscribeRoom((e) => {
      if (e.type !== "broadcast.progress") return;
      setItems((prev) =>
        prev?.map((b) => (b.id === e.broadcastId ? { ...b, status: e.status as BroadcastStatus, counts: e.counts as unknown as BroadcastCounts } : b)) ?? prev,
      );
    });
    const offReconnect = onRoomReconnect(() => load());
    return () => {
      offEvent();
      offReconnect();
    };
  }, []);

  return (
    <div class="stack">
      <div class="page-head">
        <div>
          <h1 id="broadcasts-title">{tb("title")}</h1>
          <p class="muted">{tb("intro")}</p>
        </div>
        <div class="bc-actions">
          <a class="btn btn-ghost" href={broadcastPaths.deadLetters} onClick={linkClick}>
            {tb("deadLetters")}
          </a>
          <a class="btn btn-secondary" href={broadcastPaths.templates} onClick={linkClick}>
            {tb("templatesLink")}
          </a>
          <a class="btn btn-primary" href={broadcastPaths.create} onClick={linkClick}>
            {tb("newBroadcast")}
          </a>
        </div>
      </div>
      <PendingApprovalList />
      <DraftFromCalendar editPath={broadcastPaths.edit} />
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {items && items.length === 0 && <p class="muted">{tb("empty")}</p>}
      {items && items.length > 0 && (
        <div class="bc-table-wrap">
          <table class="bc-table">
            <caption class="visually-hidden">{tb("listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{tb("colTitle")}</th>
                <th scope="col">{tb("colKind")}</th>
                <th scope="col">{tb("colStatus")}</th>
                <th scope="col">{tb("colWhen")}</th>
                <th scope="col">{tb("colResult")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <tr key={b.id} data-broadcast={b.id}>
                  <th scope="row">
                    <a href={broadcastPaths.detail(b.id)} onClick={linkClick}>
                      {b.title}
                    </a>
                    {b.createdByName && (
                      <span class="small muted bc-names">
                        {" "}
                        {ta("writtenBy", { name: b.createdByName })}
                        {b.approval.state === "approved" && b.approval.byName ? `, ${ta("approvedBy", { name: b.approval.byName })}` : ""}
                      </span>
                    )}
                  </th>
                  <td>
                    <span class={`tag ${b.kind === "alert" ? "tag-alert" : ""}`}>{kindLabel(b.kind)}</span>
                  </td>
                  <td>
                    <span class={`tag bc-status bc-status-${b.status}`}>{statusLabel(b.status)}</span>
                  </td>
                  <td>{formatDateTime(b.startedAt ?? b.sendAt ?? b.createdAt)}</td>
                  <td class="bc-result">
                    {b.counts.recipients > 0 ? (
                      <>
                        <ProgressBar value={doneOf(b.counts)} max={b.counts.recipients} label={tb("progress")} />
                        <span class="small">{tb("sentOf", { sent: formatNumber(b.counts.sent), total: formatNumber(b.counts.recipients) })}</span>
                      </>
                    ) : (
                      <span class="muted">–</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <Button busy={busy} onClick={() => load(cursor)}>
          {tb("loadMore")}
        </Button>
      )}
      <GrowthCard version={0} />
    </div>
  );
}
