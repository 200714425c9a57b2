// The open conversation: header with actions, claim banner, who else is here, history, reply box,
// and the incident report panel.
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { isApiError } from "../lib/api";
import { presence } from "../lib/room";
import { linkClick, routes } from "../lib/router";
import type { ConversationDetail, MessageView, StaffIdentity } from "../lib/types";
import { Button, ConfirmDialog, Dialog, errorText } from "../ui";
import { openConv, openError, openLoading, openConversation, openId, patchOpenConversation, runAction, type ConversationAction } from "./conversation-store";
import { Icon } from "../ui/icons";
import { citizenName, formatPhone, reportStatusLabel } from "./labels";
import { History } from "./History";
import { photoTitle } from "./MessageItem";
import { AssignButton } from "./AssignButton";
import { ReplyBox } from "./ReplyBox";
import { ReportPanel } from "./ReportPanel";
import { CitizenPanel, PreviousLink, useCitizenPanel } from "../outreach/CitizenPanel";
import { to } from "../outreach/strings";

/** A failed action, optionally pointing to another conversation (reopen while another one is open). */
interface ActionError {
  text: string;
  goTo?: string;
}

type SidePanel = "report" | "person" | null;

function Actions({ c, me, onError, side, toggle, reportId, personId }: { c: ConversationDetail; me: StaffIdentity; onError: (e: ActionError | null) => void; side: SidePanel; toggle: (p: "report" | "person") => void; reportId: string; personId: string }) {
  const [busy, setBusy] = useState<ConversationAction | null>(null);
  async function run(action: ConversationAction) {
    setBusy(action);
    onError(null);
    try {
      await runAction(c.id, action);
    } catch (err) {
      if (isApiError(err, "already_claimed")) {
        const a = err.details?.assignee as { id: string; name: string } | undefined;
        if (a) patchOpenConversation(c.id, (x) => ({ ...x, assignee: a }));
      }
      const other = isApiError(err, "other_conversation_open") ? err.details?.conversationId : undefined;
      onError({ text: errorText(err), goTo: typeof other === "string" ? other : undefined });
    } finally {
      setBusy(null);
    }
  }
  const mine = c.assignee?.id === me.id;
  return (
    <div class="conv-actions">
      {c.status === "open" && !c.assignee && (
        <Button variant="primary" onClick={() => void run("claim")} busy={busy === "claim"}>
          {t("actionClaim")}
        </Button>
      )}
      {c.status === "open" && mine && (
        <Button onClick={() => void run("release")} busy={busy === "release"}>
          {t("actionRelease")}
        </Button>
      )}
      <AssignButton c={c} me={me} />
      {c.status === "open" ? (
        <Button onClick={() => void run("resolve")} busy={busy === "resolve"}>
          <span aria-hidden="true">✓ </span>
          {t("actionResolve")}
        </Button>
      ) : (
        <Button onClick={() => void run("reopen")} busy={busy === "reopen"}>
          {t("actionReopen")}
        </Button>
      )}
      <Button aria-expanded={side === "report"} aria-controls={reportId} onClick={() => toggle("report")}>
        {/* Says what a press does: with the panel open that is hiding it, not "ansehen". */}
        {side === "report" ? t("reportButtonHide") : c.report ? t("reportButtonActive") : t("reportButton")}
      </Button>
      <Button aria-expanded={side === "person"} aria-controls={personId} onClick={() => toggle("person")}>
        {to("personPanel")}
      </Button>
    </div>
  );
}

export function ConversationView({ me }: { me: StaffIdentity }) {
  const oc = openConv.value;
  const [photo, setPhoto] = useState<MessageView | null>(null);
  const [confirmTakeover, setConfirmTakeover] = useState(false);
  const [takeoverFor, setTakeoverFor] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ActionError | null>(null);
  // One side panel at a time (report or person), so the history keeps its width.
  const [side, setSide] = useState<SidePanel>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const convId = oc?.conversation.id;

  useEffect(() => {
    setActionError(null);
    setPhoto(null);
    const phone = window.matchMedia("(max-width: 899px)").matches;
    // On a phone a side panel is a sheet over the conversation: opened on request only.
    setSide(!phone && openConv.value?.conversation.report ? "report" : null);
    // Stacked layout: the list (and the focused entry) disappears, so move the focus to the heading.
    if (convId && phone) titleRef.current?.focus();
  }, [convId]);

  // Phone sheet: the focus goes into it when it opens; Esc closes the sheet (not the conversation).
  useEffect(() => {
    if (!side || !convId || !window.matchMedia("(max-width: 899px)").matches) return;
    document.querySelector<HTMLElement>(`#report-${CSS.escape(convId)} .report-sheet-close`)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || document.querySelector("dialog[open]")) return;
      e.stopPropagation();
      setSide(null);
    };
    document.addEventListener("keydown", onKey, true);
    return () => document.removeEventListener("keydown", onKey, true);
  }, [side, convId]);

  // After confirming a takeover, continue in the reply box (runs after the dialog has closed and
  // handed the focus back, since child effects run first).
  useEffect(() => {
    if (takeoverFor) document.getElementById(`reply-text-${takeoverFor}`)?.focus();
  }, [takeoverFor]);

  // Also feeds the "Frühere Unterhaltung" link in the header; reloaded when the conversation is resolved or reopened.
  const panel = useCitizenPanel(convId ?? null, oc?.conversation.status ?? "");

  if (openError.value) {
    return (
      <div class="conv-empty" role="alert">
        <p>{openError.value === "not_found" ? t("conversationNotFound") : openError.value}</p>
        {openError.value !== "not_found" && (
          <Button onClick={() => void openConversation(openId.value)}>{t("retry")}</Button>
        )}
        <a href={routes.inbox} onClick={linkClick}>
          {t("backToList")}
        </a>
      </div>
    );
  }
  if (!oc) return <div class="conv-empty" aria-busy={openLoading.value ? "true" : undefined} />;

  const c = oc.conversation;
  const name = citizenName(c.citizen);
  const others = presence.value.filter((p) => p.staffId !== me.id);
  const viewers = others.filter((p) => p.viewing === c.id && p.typing !== c.id);
  const typers = others.filter((p) => p.typing === c.id);
  const holder = c.assignee && c.assignee.id !== me.id ? c.assignee : null;
  const takeover = !!holder && takeoverFor === c.id;
  const reportId = `report-${c.id}`;
  const personId = `person-${c.id}`;


  return (
    <article class="conv" aria-labelledby="conv-title">
      <header class="conv-header">
        <a class="back-link" href={routes.inbox} onClick={linkClick}>
          <span aria-hidden="true">← </span>
          {t("backToList")}
        </a>
        <div class="conv-title-block">
          <h2 id="conv-title" ref={titleRef} tabIndex={-1}>
            {name}
          </h2>
          <p class="conv-sub">
            {c.citizen.waId ? formatPhone(c.citizen.waId) : t("noPhoneNumber")}
            {c.assignee && <span class="tag tag-assignee">{c.assignee.id === me.id ? t("assignedToYou") : t("assignedTo", { name: c.assignee.name })}</span>}
            {c.status === "resolved" && <span class="tag tag-done">{t("resolvedTag")}</span>}
            <PreviousLink id={panel.data?.previousConversationId ?? null} />
            {c.report && (
              <span class="tag tag-report">
                {t("reportTag")}
                {c.report.category ? `: ${c.report.category}` : ""}
                {c.report.status ? ` · ${reportStatusLabel(c.report.status)}` : ""}
              </span>
            )}
          </p>
        </div>
        <Actions c={c} me={me} onError={setActionError} side={side} toggle={(p) => setSide(side === p ? null : p)} reportId={reportId} personId={personId} />
      </header>

      {holder && (
        <div class={`claim-banner ${takeover ? "claim-banner-takeover" : ""}`} role="status">
          <p>
            <strong>{t("claimBanner", { name: holder.name })}</strong> {takeover ? t("takeoverPending") : t("claimBannerHint")}
          </p>
          {takeover ? (
            <Button small onClick={() => setTakeoverFor(null)}>
              {t("cancel")}
            </Button>
          ) : (
            <Button small variant="primary" onClick={() => setConfirmTakeover(true)}>
              {t("takeover")}
            </Button>
          )}
        </div>
      )}
      {actionError && (
        <p class="status-msg status-error conv-error" role="alert">
          {actionError.text}
          {actionError.goTo && (
            <>
              {" "}
              <a href={routes.conversation(actionError.goTo)} onClick={linkClick}>
                {t("openOtherConversation")}
              </a>
            </>
          )}
        </p>
      )}
      <div class="presence-line" aria-live="polite">
        {typers.length > 0 && (
          <p class="typing-text">
            <span class="typing-dots" aria-hidden="true" />
            {t("isTyping", { names: typers.map((p) => p.name).join(", ") })}
          </p>
        )}
        {viewers.length > 0 && (
          <p class="viewing-text">
            <Icon name="eye" />{" "}
            {t("alsoViewing", { names: viewers.map((p) => p.name).join(", ") })}
          </p>
        )}
      </div>

      <div class={`conv-body ${side ? "with-report" : ""}`}>
        <History key={c.id} messages={oc.messages} me={me} citizen={name} onOpenPhoto={setPhoto} olderAvailable={!!oc.olderCursor} />
        {side && <button type="button" class="report-sheet-backdrop" tabIndex={-1} aria-hidden="true" onClick={() => setSide(null)} />}
        {side === "report" && <ReportPanel conv={c} messages={oc.messages} id={reportId} onClose={() => setSide(null)} />}
        {side === "person" && <CitizenPanel id={personId} data={panel.data} error={panel.error} />}
      </div>

      <ReplyBox key={c.id} conv={c} blockedBy={holder?.name ?? null} takeover={takeover} citizen={name} />

      <Dialog open={!!photo} title={photo ? photoTitle(photo, name) : ""} onClose={() => setPhoto(null)} class="dialog-image">
        {photo?.mediaUrl && (
          <figure class="photo-large">
            <img src={photo.mediaUrl} alt={photoTitle(photo, name)} />
            {photo.text && <figcaption>{photo.text}</figcaption>}
            <a href={photo.mediaUrl} target="_blank" rel="noopener">
              {t("photoOpenOriginal")}
              <span class="visually-hidden"> {t("opensNewTab")}</span>
            </a>
          </figure>
        )}
      </Dialog>
      <ConfirmDialog
        open={confirmTakeover}
        title={t("takeoverTitle")}
        message={t("takeoverQuestion", { name: holder?.name ?? "" })}
        confirmLabel={t("takeover")}
        onConfirm={() => {
          // The API moves the conversation with the reply itself ({takeover:true}), so a takeover
          // never leaves it unassigned in between and the other person sees it the moment it happens.
          setTakeoverFor(c.id);
          setConfirmTakeover(false);
        }}
        onCancel={() => setConfirmTakeover(false)}
      />
    </article>
  );
}
