// After sending: every recipient the broadcast did not reach, with the German reason and what to
// do; those who can still be reached get "Mit Vorlage erneut senden" (after a confirmation that
// names how many and the cost).
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick } from "../lib/router";
import { Button, Dialog, StatusMessage, errorText, formatDateTime, formatNumber } from "../ui";
import { citizenPaths } from "../citizens/paths";
import { formatPhone } from "../team/phone-strings";
import { fetchEstimate, formatEuro } from "./delivery";
import { td } from "./delivery-strings";
import type { BroadcastDetail, BroadcastFailure } from "./types";

const SHOW_FIRST = 50;

export function FailureList({ b }: { b: BroadcastDetail }) {
  const [failures, setFailures] = useState<BroadcastFailure[] | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [retry, setRetry] = useState<string[] | null>(null);
  const [perMessage, setPerMessage] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const broadcast = client.api.broadcasts[":id"];

  const load = () =>
    call(broadcast.failures.$get({ param: { id: b.id } }))
      .then((r) => setFailures(r.failures))
      .catch(() => setFailures(null));

  // New failures arrive with the live counts: reload, at most once a second.
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), failures === null ? 0 : 1000);
    return () => clearTimeout(timer.current);
  }, [b.id, b.counts.failed, b.status]);

  // The price of one template message of this broadcast's template, for the confirmation.
  useEffect(() => {
    if (!retry || !b.template) return;
    setPerMessage(null);
    fetchEstimate({ channelIds: b.channelIds, delivery: "template", kind: b.kind, template: b.template })
      .then((e) => setPerMessage(e.cost.perMessage))
      .catch(() => setPerMessage(null));
  }, [retry]);

  if (!failures || failures.length === 0) return null;
  const reachable = failures.filter((f) => f.retryableWithTemplate);
  const shown = showAll ? failures : failures.slice(0, SHOW_FIRST);

  async function doRetry() {
    if (!retry) return;
    setBusy(true);
    setMsg(null);
    try {
      const r = await call(broadcast["retry-with-template"].$post({ param: { id: b.id }, json: { citizenIds: retry } }));
      setMsg({ ok: true, text: td("retryQueued", { n: formatNumber(r.queued) }) });
      setRetry(null);
      void load();
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
      setRetry(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="bc-card" aria-labelledby="bc-failures-title" data-testid="failures">
      <div class="page-head">
        <div>
          <h2 id="bc-failures-title">{td("failuresTitle")}</h2>
          <p class="muted small">{td("failuresIntro")}</p>
        </div>
        {b.template && reachable.length > 0 && (
          <Button variant="primary" onClick={() => setRetry(reachable.map((f) => f.citizenId))}>
            {td("retryAll", { n: formatNumber(reachable.length) })}
          </Button>
        )}
      </div>
      {!b.template && reachable.length > 0 && <p class="status-msg status-info">{td("retryNoTemplate")}</p>}
      {msg && <StatusMessage kind={msg.ok ? "ok" : "error"}>{msg.text}</StatusMessage>}
      <ul class="bc-failures">
        {shown.map((f) => (
          <li key={f.citizenId} class="bc-failure" data-citizen={f.citizenId}>
            <div class="bc-failure-who">
              <a href={citizenPaths.subscriber(f.citizenId)} onClick={linkClick}>
                {f.name ?? td("unknownName")}
              </a>
              {f.phone && <span class="muted small"> {formatPhone(f.phone)}</span>}
              <span class="muted small bc-failure-last">{f.lastInboundAt ? td("lastWrote", { when: formatDateTime(f.lastInboundAt) }) : td("neverWrote")}</span>
            </div>
            <div>
              <span class="visually-hidden">{td("colWhy")}: </span>
              {f.reason}
              {f.code !== null && <span class="muted small"> ({f.code})</span>}
            </div>
            <div class="bc-failure-todo">
              <span class="visually-hidden">{td("colTodo")}: </span>
              {f.advice}
              {f.retryableWithTemplate && b.template && (
                <Button small onClick={() => setRetry([f.citizenId])} aria-label={`${td("retryOne")}: ${f.name ?? f.phone ?? ""}`}>
                  {td("retryOne")}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {!showAll && failures.length > SHOW_FIRST && (
        <Button small variant="ghost" onClick={() => setShowAll(true)}>
          {td("moreFailures", { n: formatNumber(failures.length) })}
        </Button>
      )}
      <Dialog
        open={!!retry}
        title={td("retryConfirmTitle")}
        onClose={() => setRetry(null)}
        footer={
          <>
            <Button onClick={() => setRetry(null)}>{t("cancel")}</Button>
            <Button variant="primary" busy={busy} disabled={perMessage === null} onClick={() => void doRetry()} autofocus>
              {td("retryConfirmButton", { n: formatNumber(retry?.length ?? 0) })}
            </Button>
          </>
        }
      >
        <p>
          {perMessage === null
            ? td("confirmLoading")
            : td("retryConfirm", { n: formatNumber(retry?.length ?? 0), name: b.template?.name ?? "", cost: formatEuro((retry?.length ?? 0) * perMessage) })}
        </p>
      </Dialog>
    </section>
  );
}
