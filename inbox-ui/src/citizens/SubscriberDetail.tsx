// One citizen: subscriptions (staff may change them on request), the consent log, conversations,
// and the GDPR rights: export (JSON download) and erase (admins, after a clear confirmation).
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { call, isApiError } from "../lib/api";
import { client } from "../lib/client";
import { NewMessageDialog } from "../outreach/NewMessageDialog";
import { ResubscribeDialog, type CitizenRequest } from "../outreach/ResubscribeDialog";
import { to } from "../outreach/strings";
import { linkClick, routes } from "../lib/router";
import { hasRole } from "../lib/session";
import { Button, Dialog, StatusMessage, errorText, formatDateTime } from "../ui";
import { citizenPaths } from "./paths";
import { tc, type CitizenStringKey } from "./strings";
import { formatNumberOf } from "./SubscriberList";
import type { Channel, ConsentAction, ConsentEvent, ConsentSource, SubscriberDetail } from "./types";

const ACTIONS: Record<ConsentAction, CitizenStringKey> = {
  subscribe: "actSubscribe",
  unsubscribe: "actUnsubscribe",
  unsubscribe_all: "actUnsubscribeAll",
  erase: "actErase",
};
const SOURCES: Record<ConsentSource, CitizenStringKey> = {
  whatsapp_keyword: "srcKeyword",
  whatsapp_menu: "srcMenu",
  widget_code: "srcWidget",
  staff: "srcStaff",
  meta_opt_out: "srcMeta",
  system: "srcSystem",
};

function ConsentTable({ events }: { events: ConsentEvent[] }) {
  if (events.length === 0) return <p class="muted">{tc("noConsent")}</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">{tc("consentCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{tc("colWhen")}</th>
            <th scope="col">{tc("colWhat")}</th>
            <th scope="col">{tc("colChannel")}</th>
            <th scope="col">{tc("colHow")}</th>
            <th scope="col">{tc("colProof")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                {formatDateTime(e.actedAt ?? e.createdAt)}
                {e.actedAt !== null && Math.abs(e.createdAt - e.actedAt) >= 60_000 && (
                  <div class="muted small">{tc("consentRecorded", { when: formatDateTime(e.createdAt) })}</div>
                )}
              </td>
              <td>
                {tc(ACTIONS[e.action])}
                {e.superseded && (
                  <div class="muted small" title={tc("consentSupersededHint")}>
                    {tc("consentSuperseded")}
                  </div>
                )}
              </td>
              <td>{e.channelName ?? (e.channelId ? e.channelId : <span class="muted">{tc("allChannelsShort")}</span>)}</td>
              <td>{tc(SOURCES[e.source], { name: e.staffName ?? "?" })}</td>
              <td>
                {/* The message id itself means nothing to a clerk; it stays available as a tooltip for support. */}
                {e.messageWamid ? (
                  <span title={e.messageWamid.startsWith("sha256:") ? undefined : `${tc("proofMessageHint")} (${e.messageWamid})`}>
                    {tc(e.messageWamid.startsWith("sha256:") ? "proofAnonymised" : "proofMessage")}
                  </span>
                ) : (
                  <span class="muted">–</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EraseDialog({ open, who, onClose, onConfirm, busy }: { open: boolean; who: string; onClose: () => void; onConfirm: () => void; busy: boolean }) {
  const [understood, setUnderstood] = useState(false);
  useEffect(() => setUnderstood(false), [open]);
  return (
    <Dialog
      open={open}
      title={tc("eraseConfirmTitle")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button variant="danger" busy={busy} disabled={!understood} onClick={onConfirm}>
            {tc("eraseConfirmButton")}
          </Button>
        </>
      }
    >
      <p>{tc("eraseConfirmIntro", { who })}</p>
      <ul class="cz-erase-list">
        <li>{tc("eraseConfirm1")}</li>
        <li>{tc("eraseConfirm2")}</li>
        <li>{tc("eraseConfirm3")}</li>
        <li>{tc("eraseConfirm4")}</li>
      </ul>
      <p class="muted">{tc("eraseConfirmKeep")}</p>
      <label class="cz-check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
        <span>{tc("eraseConfirmCheck")}</span>
      </label>
    </Dialog>
  );
}

export function SubscriberDetailView({ id }: { id: string }) {
  const [detail, setDetail] = useState<SubscriberDetail | null>(null);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busyChannel, setBusyChannel] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);
  const [eraseBusy, setEraseBusy] = useState(false);
  const [writing, setWriting] = useState(false);
  /** A subscribe refused because the person sent STOP: asks for their new request. */
  const [resub, setResub] = useState<{ channel: Channel; error: string | null; busy: boolean } | null>(null);

  async function reload() {
    try {
      setDetail(await call(client.api.subscribers[":id"].$get({ param: { id } })));
    } catch (err) {
      setError(errorText(err));
    }
  }

  useEffect(() => {
    setDetail(null);
    setError(null);
    setNotice(null);
    void reload();
    call(client.api.channels.$get())
      .then((r) => setChannels(r.channels))
      .catch(() => setChannels([]));
  }, [id]);

  async function change(channel: Channel, subscribe: boolean, citizenRequest?: CitizenRequest) {
    setBusyChannel(channel.id);
    setError(null);
    setNotice(null);
    if (citizenRequest) setResub({ channel, error: null, busy: true });
    try {
      await call(
        client.api.subscribers[":id"].subscriptions.$post({
          param: { id },
          json: subscribe ? { subscribe: [channel.id], ...(citizenRequest ? { citizenRequest } : {}) } : { unsubscribe: [channel.id] },
        }),
      );
      setResub(null);
      setNotice(tc(subscribe ? "changedSubscribed" : "changedUnsubscribed", { channel: channel.name }));
      await reload();
    } catch (err) {
      if (isApiError(err, "citizen_stopped") && !citizenRequest) setResub({ channel, error: null, busy: false });
      else if (citizenRequest) setResub({ channel, error: errorText(err), busy: false });
      else setError(errorText(err));
    } finally {
      setBusyChannel(null);
    }
  }

  async function erase() {
    setEraseBusy(true);
    setError(null);
    try {
      await call(client.api.subscribers[":id"].erase.$post({ param: { id }, json: { confirm: true } }));
      setErasing(false);
      setNotice(tc("erasedDone"));
      await reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setEraseBusy(false);
    }
  }

  const back = (
    <p>
      <a class="cz-back" href={citizenPaths.subscribers} onClick={linkClick}>
        ← {tc("back")}
      </a>
    </p>
  );
  if (!detail) {
    return (
      <div class="stack">
        {back}
        {error ? <StatusMessage kind="error">{error}</StatusMessage> : <p class="muted">{tc("loading")}</p>}
      </div>
    );
  }

  const s = detail.subscriber;
  const who = s.name ?? formatNumberOf(s);
  const active = new Set(detail.subscriptions.filter((x) => x.active).map((x) => x.channelId));
  const shown = channels.filter((c) => !c.archived || active.has(c.id));
  const erased = s.erasedAt !== null;

  return (
    <div class="stack">
      {back}
      <div class="cz-card-head">
        <h2>{erased ? tc("actErase") : who}</h2>
        {!erased && <span class="muted">{formatNumberOf(s)}</span>}
        {!erased && (
          <Button variant="primary" onClick={() => setWriting(true)}>
            {to("writeMessage")}
          </Button>
        )}
      </div>
      {erased && <p class="cz-banner">{tc("erasedBanner", { date: formatDateTime(s.erasedAt ?? 0) })}</p>}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
      <div class="cz-grid cz-detail">
        <section class="cz-card" aria-labelledby="subs-title">
          <h2 id="subs-title">{tc("subscriptions")}</h2>
          {!erased && <p class="muted small">{tc("subscriptionsHint")}</p>}
          <ul class="cz-subs">
            {shown.map((c) => {
              const on = active.has(c.id);
              const mayChange = !erased && (on || (hasRole("editor") && !c.archived));
              return (
                <li key={c.id} data-channel={c.id}>
                  <span>
                    <strong>{c.name}</strong> {on ? <span class="tag tag-ok">{tc("subscribed")}</span> : <span class="tag tag-closed">{tc("notSubscribed")}</span>}
                  </span>
                  {mayChange && (
                    <Button small variant={on ? "ghost" : "secondary"} busy={busyChannel === c.id} onClick={() => void change(c, !on)} aria-label={`${tc(on ? "unsubscribeFor" : "subscribeFor")}: ${c.name}`}>
                      {tc(on ? "unsubscribeFor" : "subscribeFor")}
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
          {detail.conversations.length > 0 && (
            <>
              <h3 class="cz-mt">{tc("conversations")}</h3>
              <ul class="cz-subs">
                {detail.conversations.map((c) => (
                  <li key={c.id}>
                    <span>{formatDateTime(c.lastMessageAt)}</span>
                    <a href={routes.conversation(c.id)} onClick={linkClick}>
                      {tc("openConversation")}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section class="cz-card" aria-labelledby="rights-title">
          <h2 id="rights-title">{tc("rightsTitle")}</h2>
          <div class="cz-rights">
            <div>
              <h3>{tc("exportTitle")}</h3>
              <p class="muted small">{tc("exportText")}</p>
              <p class="cz-mt">
                <a class="btn btn-secondary" href={client.api.subscribers[":id"].export.$path({ param: { id } })} download>
                  {tc("exportButton")}
                </a>
              </p>
            </div>
            {!erased && (
              <div>
                <h3>{tc("eraseTitle")}</h3>
                <p class="muted small">{tc("eraseText")}</p>
                <p class="cz-mt">
                  {hasRole("admin") ? (
                    <Button variant="danger" onClick={() => setErasing(true)}>
                      {tc("eraseButton")}
                    </Button>
                  ) : (
                    <span class="muted small">{tc("eraseAdminOnly")}</span>
                  )}
                </p>
              </div>
            )}
          </div>
        </section>
      </div>
      <section class="cz-card" aria-labelledby="consent-title">
        <h2 id="consent-title">{tc("consentTitle")}</h2>
        <p class="muted small">{tc("consentIntro")}</p>
        <ConsentTable events={detail.consent} />
      </section>
      <NewMessageDialog open={writing} onClose={() => setWriting(false)} recipient={s} />
      <ResubscribeDialog
        open={!!resub}
        channel={resub?.channel.name ?? ""}
        error={resub?.error ?? null}
        busy={resub?.busy ?? false}
        onCancel={() => setResub(null)}
        onConfirm={(r) => resub && void change(resub.channel, true, r)}
      />
      <EraseDialog open={erasing} who={who} busy={eraseBusy} onClose={() => setErasing(false)} onConfirm={() => void erase()} />
    </div>
  );
}
