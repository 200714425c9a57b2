// One broadcast: live progress while it goes out (with "Weiterlesen" taps), then the delivery chart,
// why messages failed and who was not reached. Sending a draft asks for confirmation first.
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { onRoomReconnect, subscribeRoom } from "../lib/room";
import { linkClick, navigate } from "../lib/router";
import { Button, ConfirmDialog, ProgressBar, StatusMessage, errorText, formatDateTime, formatNumber } from "../ui";
import { td, type DeliveryStringKey } from "./delivery-strings";
import { DeliveryChart } from "./DeliveryChart";
import { FailureList } from "./FailureList";
import { SERIES_COLORS, doneOf, kindLabel, statusLabel } from "./labels";
import { broadcastPaths } from "./paths";
import { Preview } from "./Preview";
import { SendConfirm, type SendPlan } from "./SendConfirm";
import { sendErrorText } from "./delivery";
import { tb } from "./strings";
import type { BroadcastCounts, BroadcastDetail, BroadcastStatus, Timeline } from "./types";
import { ApprovalPanel } from "../trust/ApprovalPanel";

const TIMELINE_EVERY_MS = 5_000;

const COUNT_ROWS: [keyof BroadcastCounts, () => string][] = [
  ["recipients", () => tb("countRecipients")],
  ["queued", () => tb("countQueued")],
  ["deferred", () => tb("countDeferred")],
  ["sending", () => tb("countSending")],
  ["unconfirmed", () => tb("countUnconfirmed")],
  ["sent", () => tb("countSent")],
  ["delivered", () => tb("countDelivered")],
  ["read", () => tb("countRead")],
  ["opened", () => td("countOpened")],
  ["failed", () => tb("countFailed")],
  ["skipped", () => tb("countSkipped")],
  ["viaTemplate", () => td("countViaTemplate")],
  ["freeForm", () => td("countFreeForm")],
];

export function BroadcastDetailView({ id }: { id: string }) {
  const [b, setB] = useState<BroadcastDetail | null>(null);
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [plan, setPlan] = useState<SendPlan | null>(null);
  const lastTimeline = useRef(0);
  const statusRef = useRef<string | null>(null);
  const timelineTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const broadcast = client.api.broadcasts[":id"];

  const loadTimeline = () => {
    lastTimeline.current = Date.now();
    call(broadcast.timeline.$get({ param: { id }, query: {} }))
      .then((r) => setTimeline(r.timeline))
      .catch(() => undefined);
  };
  const load = () => {
    call(broadcast.$get({ param: { id } }))
      .then((r) => {
        statusRef.current = r.broadcast.status;
        setB(r.broadcast);
        setError(null);
      })
      .catch((err: unknown) => setError(errorText(err)));
    loadTimeline();
  };

  useEffect(() => {
    load();
    const offEvent = subscribeRoom((e) => {
      if (e.type === "broadcast.approval" && e.broadcastId === id) return load();
      if (e.type !== "broadcast.progress" || e.broadcastId !== id) return;
      const counts = e.counts as unknown as BroadcastCounts;
      // A new state (done, paused…) brings new failure reasons and times: fetch the whole thing.
      if (statusRef.current !== e.status) load();
      statusRef.current = e.status;
      setB((prev) => (prev ? { ...prev, status: e.status as BroadcastStatus, counts, progress: counts.recipients ? doneOf(counts) / counts.recipients : 1 } : prev));
      // The chart follows at most every 5 s, and always catches the last change.
      const wait = lastTimeline.current + TIMELINE_EVERY_MS - Date.now();
      if (wait <= 0) loadTimeline();
      else if (!timelineTimer.current) {
        timelineTimer.current = setTimeout(() => {
          timelineTimer.current = undefined;
          loadTimeline();
        }, wait);
      }
    });
    const offReconnect = onRoomReconnect(load);
    return () => {
      offEvent();
      offReconnect();
      clearTimeout(timelineTimer.current);
    };
  }, [id]);

  async function act(action: "send" | "pause" | "resume" | "cancel" | "duplicate") {
    setBusy(action);
    setError(null);
    try {
      const r = await call(broadcast[action].$post({ param: { id } }));
      // A duplicate opens in the editor, which sends only after its own confirmation.
      if (action === "duplicate") navigate(broadcastPaths.edit(r.broadcast.id));
      else setB(r.broadcast);
    } catch (err) {
      setError(action === "send" ? sendErrorText(err) : errorText(err));
    } finally {
      setBusy(null);
      setPlan(null);
    }
  }

  if (!b) return error ? <StatusMessage kind="error">{error}</StatusMessage> : <div aria-busy="true" />;
  const c = b.counts;
  const editable = b.status === "draft" || b.status === "scheduled";
  const running = b.status === "sending" || b.status === "paused";
  // Four eyes: without the second person's approval there is no "send now" (the panel asks for it).
  const mayStart = b.approval.state === "approved" || (!b.approvalRequired && b.approval.state === null);

  return (
    <div class="stack">
      <a href={broadcastPaths.list} onClick={linkClick}>
        {tb("back")}
      </a>
      <div class="page-head">
        <div>
          <h1 id="broadcasts-title">{b.title}</h1>
          <p class="bc-meta">
            <span class={`tag ${b.kind === "alert" ? "tag-alert" : ""}`}>{kindLabel(b.kind)}</span>
            <span class={`tag bc-status bc-status-${b.status}`} data-testid="status">
              {statusLabel(b.status)}
            </span>
            <span class="tag">{td("deliveryOf", { mode: td(`delivery_${b.delivery}` as DeliveryStringKey) })}</span>
            {b.sendAt && editable && <span>{tb("scheduledFor", { when: formatDateTime(b.sendAt) })}</span>}
            {b.startedAt && <span>{tb("startedAt", { when: formatDateTime(b.startedAt) })}</span>}
            {b.finishedAt && <span>{tb("finishedAt", { when: formatDateTime(b.finishedAt) })}</span>}
          </p>
        </div>
        <div class="bc-actions">
          {editable && (
            <>
              <a class="btn btn-secondary" href={broadcastPaths.edit(b.id)} onClick={linkClick}>
                {tb("edit")}
              </a>
              {mayStart && (
                <Button
                  variant="primary"
                  busy={busy === "send"}
                  onClick={() => setPlan({ title: b.title, kind: b.kind, delivery: b.delivery, channelIds: b.channelIds, template: b.template, scheduledFor: null })}
                >
                  {tb("sendNow")}
                </Button>
              )}
            </>
          )}
          {b.status === "sending" && (
            <Button busy={busy === "pause"} onClick={() => void act("pause")}>
              {tb("pause")}
            </Button>
          )}
          {b.status === "paused" && (
            <Button variant="primary" busy={busy === "resume"} onClick={() => void act("resume")}>
              {tb("resume")}
            </Button>
          )}
          {(editable || running) && (
            <Button variant="danger" busy={busy === "cancel"} onClick={() => setConfirmCancel(true)}>
              {tb("cancelBroadcast")}
            </Button>
          )}
          <Button busy={busy === "duplicate"} onClick={() => void act("duplicate")}>
            {tb("duplicate")}
          </Button>
        </div>
      </div>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      <ApprovalPanel b={b} onChange={setB} />

      {c.recipients > 0 && (
        <section class="bc-card" aria-labelledby="bc-progress-title">
          <h2 id="bc-progress-title">
            {tb("progress")} {running && <span class="tag bc-live">{tb("live")}</span>}
          </h2>
          <ProgressBar
            value={doneOf(c)}
            max={c.recipients}
            label={tb("progressLabel", { done: formatNumber(doneOf(c)), total: formatNumber(c.recipients) })}
            segments={[
              { value: c.sent, label: tb("countSent"), color: SERIES_COLORS.sent },
              { value: c.failed, label: tb("countFailed"), color: SERIES_COLORS.failed },
              { value: c.skipped, label: tb("countSkipped"), color: "#8a96a3" },
            ]}
          />
          <p class="bc-progress-text" data-testid="progress-text">
            {tb("progressLabel", { done: formatNumber(doneOf(c)), total: formatNumber(c.recipients) })} ({Math.floor(b.progress * 100)} %)
          </p>
          <dl class="bc-counts" aria-label={tb("countsCaption")}>
            {COUNT_ROWS.filter(([k]) => k === "recipients" || (k === "opened" && b.delivery === "teaser") || (c[k] ?? 0) > 0).map(([k, label]) => (
              <div key={k} data-count={k}>
                <dt>{label()}</dt>
                <dd>{formatNumber(c[k] ?? 0)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      {/* Boolean: a bare 0 (no points yet) would be rendered as the text "0". */}
      {Boolean(b.startedAt || timeline?.points.length) && <DeliveryChart timeline={timeline} />}

      {b.failedByReason.length > 0 && (
        <section class="bc-card" aria-labelledby="bc-reasons-title">
          <h2 id="bc-reasons-title">{tb("failureReasons")}</h2>
          <div class="bc-table-wrap">
          <table class="bc-table">
            <thead>
              <tr>
                <th scope="col">{tb("colReason")}</th>
                <th scope="col">{tb("colCount")}</th>
              </tr>
            </thead>
            <tbody>
              {b.failedByReason.map((f) => (
                <tr key={`${f.code}-${f.reason}`}>
                  <td>
                    {f.reason}
                    {f.code !== null && <span class="muted small"> ({f.code})</span>}
                  </td>
                  <td>{formatNumber(f.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </section>
      )}

      <FailureList b={b} />

      <div class="bc-card">
        {b.delivery !== "template" && <Preview text={b.text} photoUrl={b.mediaUrl} caption={b.template ? td("previewInside") : null} />}
        {b.template && (
          <p class="bc-template-used">
            {b.delivery === "template" ? td("previewAll") : td("previewOutside")}: <strong>{b.template.name}</strong> ({b.template.language})
            {b.template.parameters.length > 0 && <span class="muted"> – {b.template.parameters.join(" · ")}</span>}
          </p>
        )}
      </div>

      <SendConfirm plan={plan} busy={busy === "send"} onConfirm={() => void act("send")} onCancel={() => setPlan(null)} />
      <ConfirmDialog
        open={confirmCancel}
        title={tb("confirmCancelTitle")}
        message={tb("confirmCancel")}
        confirmLabel={tb("cancelBroadcast")}
        cancelLabel={tb(running ? "keepGoing" : "keepBroadcast")}
        danger
        onConfirm={() => {
          setConfirmCancel(false);
          void act("cancel");
        }}
        onCancel={() => setConfirmCancel(false)}
      />
    </div>
  );
}
