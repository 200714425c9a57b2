// The citizen beside the conversation: name, number, channels with consent dates, and earlier
// conversations with their last messages and reports (links open them), so yesterday's answer is at hand.
import { useEffect, useState } from "preact/hooks";
import type { CitizenPanel as PanelData } from "../../../worker/shared/outreach-types";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick, routes } from "../lib/router";
import { hasRole } from "../lib/session";
import { errorText, formatDate, formatDateTime } from "../ui";
import { citizenPaths } from "../citizens/paths";
import { formatPhone, reportStatusLabel } from "../inbox/labels";
import { to } from "./strings";
import "./outreach.css";

export type { PanelData };

/** Loaded with the conversation, and again when its status changes. */
export function useCitizenPanel(conversationId: string | null, version: string) {
  const [data, setData] = useState<PanelData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setData(null);
    setError(null);
    if (!conversationId) return;
    const ctrl = new AbortController();
    call(client.api.conversations[":id"].citizen.$get({ param: { id: conversationId } }, { init: { signal: ctrl.signal } }))
      .then(setData)
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(errorText(err));
      });
    return () => ctrl.abort();
  }, [conversationId, version]);
  return { data, error };
}

/** The "Frühere Unterhaltung" link in the conversation header. */
export function PreviousLink({ id }: { id: string | null }) {
  if (!id) return null;
  return (
    <a class="tag tag-previous" href={routes.conversation(id)} onClick={linkClick}>
      <span aria-hidden="true">↩ </span>
      {to("previous")}
    </a>
  );
}

export function CitizenPanel({ id, data, error }: { id: string; data: PanelData | null; error: string | null }) {
  return (
    <aside class="report-panel citizen-panel" id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{to("personPanelTitle")}</h3>
      {error && <p class="status-msg status-error" role="alert">{error}</p>}
      {!data && !error && <p class="muted small">{to("loading")}</p>}
      {data && <PanelBody data={data} />}
    </aside>
  );
}

function PanelBody({ data }: { data: PanelData }) {
  const c = data.citizen;
  return (
    <>
      <dl class="cp-facts">
        <dt>{to("number")}</dt>
        <dd>{c.waId ? formatPhone(c.waId) : to("noNumber")}</dd>
      </dl>
      <p class="small muted">
        {to("since", { date: formatDate(c.createdAt) })}
        <br />
        {c.lastInboundAt ? to("lastWrote", { date: formatDateTime(c.lastInboundAt) }) : to("neverWrote")}
      </p>
      {hasRole("editor") && (
        <p class="small">
          <a href={citizenPaths.subscriber(c.id)} onClick={linkClick}>
            {to("channels")} →
          </a>
        </p>
      )}
      <h4>{to("channels")}</h4>
      {data.stopped && <p class="cp-stopped small">{to("stopped")}</p>}
      {data.channels.length === 0 ? (
        <p class="small muted">{to("noSubscriptions")}</p>
      ) : (
        <ul class="cp-list">
          {data.channels.map((ch) => (
            <li key={ch.channelId} class="small">
              <strong>{ch.channelName}</strong>: {ch.active ? to("channelOn", { date: formatDate(ch.since) }) : to("channelOff", { date: formatDate(ch.since) })}
            </li>
          ))}
        </ul>
      )}
      {data.consent.some((e) => e.reason) && (
        <ul class="cp-list">
          {data.consent
            .filter((e) => e.reason)
            .map((e, i) => (
              <li key={i} class="small muted">
                {formatDate(e.at)}: {to("consentReason", { reason: e.reason ?? "" })}
              </li>
            ))}
        </ul>
      )}
      <h4>{to("earlier")}</h4>
      {data.conversations.length === 0 ? (
        <p class="small muted">{to("noEarlier")}</p>
      ) : (
        <ol class="cp-convs">
          {data.conversations.map((conv) => (
            <li key={conv.id} class={conv.id === data.previousConversationId ? "is-previous" : ""}>
              <p class="cp-conv-head small">
                <a href={routes.conversation(conv.id)} onClick={linkClick}>
                  {conv.id === data.previousConversationId ? to("previous") : to("started", { date: formatDate(conv.createdAt) })}
                </a>{" "}
                <span class="muted">
                  · {formatDate(conv.lastMessageAt)} · {conv.status === "open" ? to("convOpen") : to("convResolved")}
                </span>
              </p>
              {conv.report && <p class="small">{to("report", { category: conv.report.category, status: reportStatusLabel(conv.report.status) })}</p>}
              {conv.lastMessages.map((m) => (
                <p key={m.id} class={`cp-msg small cp-msg-${m.direction}`}>
                  <span class="cp-msg-who">{m.direction === "in" ? to("citizenSaid") : m.automatic ? to("automatic") : to("staffAnswer")}:</span> {m.text ?? "…"}
                </p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
