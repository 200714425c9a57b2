// Reply to the citizen or write an internal note. Shows how long the 24-hour window is still
// open; outside it the free-text box is disabled before anyone types and a template is offered.
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { isApiError } from "../lib/api";
import { setTyping } from "../lib/room";
import type { ConversationDetail, Template } from "../lib/types";
import { Button, errorText } from "../ui";
import { now } from "../ui/clock";
import { patchOpenConversation, sendNote, sendReply, sendTemplate, uploadPhoto } from "./conversation-store";
import { TemplatePicker } from "./TemplatePicker";
import { CharCounter, charCount, WHATSAPP_TEXT_LIMIT } from "../outreach/CharCounter";
import { SnippetMenu, slashQuery, visibleSnippets } from "../outreach/SnippetMenu";
import { fillSnippet, type Snippet } from "../outreach/snippet-fill";
import { loadSnippets, snippets } from "../outreach/snippets-store";
import { currentStaff, hasRole } from "../lib/session";
import { routes } from "../lib/router";

type Mode = "reply" | "note";

/** Drafts survive switching between conversations (kept for this tab only). */
const drafts = new Map<string, { reply: string; note: string }>();

export interface ReplyBoxProps {
  conv: ConversationDetail;
  /** Someone else holds the conversation and no takeover was confirmed. */
  blockedBy: string | null;
  takeover: boolean;
  citizen: string;
}

export function windowRemaining(conv: ConversationDetail, at: number): number {
  if (conv.windowOpenUntil !== null) return Math.max(0, conv.windowOpenUntil - at);
  return conv.windowOpen ? 1 : 0;
}

function windowText(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 1) return t("windowHoursLeft", { n: hours });
  return t("windowMinutesLeft", { n: Math.max(1, Math.ceil(ms / 60_000)) });
}

export function ReplyBox({ conv, blockedBy, takeover, citizen }: ReplyBoxProps) {
  const id = conv.id;
  const [mode, setMode] = useState<Mode>("reply");
  const [text, setText] = useState(() => drafts.get(id)?.[mode] ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const area = useRef<HTMLTextAreaElement>(null);
  /** The box's text as typed, read after an await (the `text` of the closure is stale by then). */
  const typed = useRef(text);
  /** Which box is on screen now (after an await the clerk may be in another conversation). */
  const shown = useRef({ id, mode });
  shown.current = { id, mode };
  const fileInput = useRef<HTMLInputElement>(null);
  /** A photo to go with the reply: uploaded when chosen, sent by its media id (the text becomes its caption). */
  const [photo, setPhoto] = useState<{ id: string; preview: string; name: string } | null>(null);
  const [uploading, setUploading] = useState(false);
  /** "/" menu of Textbausteine: where the "/query" starts, which entry is chosen; null = closed. */
  const [slash, setSlash] = useState<{ start: number; query: string; active: number } | null>(null);
  const menuId = `snippets-${id}`;

  useEffect(() => {
    if (slash && snippets.value === null) void loadSnippets();
  }, [slash !== null]);

  useEffect(() => () => photo && URL.revokeObjectURL(photo.preview), [photo]);

  async function choosePhoto(file: File | undefined) {
    if (!file) return;
    setError(null);
    setUploading(true);
    try {
      const media = await uploadPhoto(file);
      setPhoto({ id: media.id, preview: URL.createObjectURL(file), name: file.name });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = "";
    }
  }

  useEffect(() => {
    setBox(drafts.get(id)?.[mode] ?? "");
    setError(null);
  }, [id, mode]);

  useEffect(
    () => () => {
      clearTimeout(idle.current);
      setTyping(id, false);
    },
    [id],
  );

  const remaining = windowRemaining(conv, now.value);
  const windowOpen = remaining > 0;
  const resolved = conv.status === "resolved";
  // Replies need the conversation open and held by nobody else (or a confirmed takeover); notes always work.
  const replyBlocked = mode === "reply" && (resolved || (!!blockedBy && !takeover));
  const freeTextAllowed = mode === "note" || windowOpen;
  // WhatsApp's limits: 4,096 characters for a text, 1,024 for a photo's caption.
  const limit = mode === "reply" && photo ? 1024 : WHATSAPP_TEXT_LIMIT;
  const tooLong = charCount(text) > limit;

  function setBox(value: string) {
    typed.current = value;
    setText(value);
  }

  function remember(value: string) {
    const d = drafts.get(id) ?? { reply: "", note: "" };
    d[mode] = value;
    drafts.set(id, d);
  }

  function updateSlash(value: string, caret: number) {
    const q = slashQuery(value, caret);
    setSlash(q ? { ...q, active: slash && slash.query === q.query ? slash.active : 0 } : null);
  }

  function insertSnippet(s: Snippet) {
    const el = area.current;
    if (!slash || !el) return;
    const filled = fillSnippet(s.body, { citizenName: conv.citizen.name, staffName: currentStaff.value?.name ?? "", now: Date.now() });
    const caret = slash.start + 1 + slash.query.length;
    const next = text.slice(0, slash.start) + filled + text.slice(caret);
    setSlash(null);
    onInput(next, false);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(slash.start + filled.length, slash.start + filled.length);
    });
  }

  function onSlashKey(e: KeyboardEvent): boolean {
    if (!slash) return false;
    const count = visibleSnippets(slash.query).length;
    if (e.key === "Escape") {
      setSlash(null);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (count === 0) return false;
      const step = e.key === "ArrowDown" ? 1 : -1;
      setSlash({ ...slash, active: (slash.active + step + count) % count });
    } else if ((e.key === "Enter" || e.key === "Tab") && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      const pick = visibleSnippets(slash.query)[slash.active];
      if (!pick) return false;
      insertSnippet(pick);
    } else return false;
    e.preventDefault();
    e.stopPropagation();
    return true;
  }

  function onInput(value: string, fromTyping = true) {
    setBox(value);
    remember(value);
    if (fromTyping && area.current) updateSlash(value, area.current.selectionStart);
    if (mode !== "reply") return;
    setTyping(id, value.length > 0);
    clearTimeout(idle.current);
    idle.current = setTimeout(() => setTyping(id, false), 3_000);
  }

  async function send(e?: Event) {
    e?.preventDefault();
    const body = text.trim();
    const mediaId = mode === "reply" ? photo?.id : undefined;
    if ((!body && !mediaId) || busy || uploading || replyBlocked || !freeTextAllowed || tooLong) return;
    setBusy(true);
    setError(null);
    clearTimeout(idle.current);
    setTyping(id, false);
    // The box empties at once, like a messenger: the message may show (live) before the answer
    // comes back, and whatever the clerk types meanwhile must not be wiped when it does.
    setBox("");
    remember("");
    try {
      if (mode === "note") await sendNote(id, body);
      else await sendReply(id, body, takeover, mediaId);
      if (mediaId) setPhoto(null);
      area.current?.focus();
    } catch (err) {
      // Not sent: the text comes back (also as the draft if the clerk moved on), unless a new one was started.
      const d = drafts.get(id) ?? { reply: "", note: "" };
      if (!d[mode]) drafts.set(id, { ...d, [mode]: body });
      if (shown.current.id === id && shown.current.mode === mode && !typed.current) setBox(body);
      if (isApiError(err, "claimed_by_other")) {
        const a = err.details?.assignee as { id: string; name: string } | undefined;
        if (a) patchOpenConversation(id, (c) => ({ ...c, assignee: a }));
      }
      if (isApiError(err, "outside_window")) patchOpenConversation(id, (c) => ({ ...c, windowOpen: false, windowOpenUntil: Math.min(c.windowOpenUntil ?? 0, Date.now() - 1) }));
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function sendTpl(tpl: Template, params: string[]): Promise<boolean> {
    setError(null);
    try {
      await sendTemplate(id, tpl.name, tpl.language, params, takeover);
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  }

  const hintId = `reply-hint-${id}`;
  return (
    <section class={`reply reply-${mode}`} aria-label={t("replyRegion")}>
      <div class="reply-top">
        <div class="reply-modes" role="group" aria-label={t("replyModeLabel")}>
          <button type="button" class="reply-mode" aria-pressed={mode === "reply"} onClick={() => setMode("reply")}>
            {t("modeReply")}
          </button>
          <button type="button" class="reply-mode" aria-pressed={mode === "note"} onClick={() => setMode("note")}>
            {t("modeNote")}
          </button>
        </div>
        {mode === "reply" && (
          <p class={`window-info ${windowOpen ? "window-open" : "window-closed"}`} id={hintId}>
            {windowOpen ? windowText(remaining) : t("windowClosed")}
          </p>
        )}
        {mode === "note" && (
          <p class="window-info note-info" id={hintId}>
            {t("noteHint")}
          </p>
        )}
      </div>
      {mode === "reply" && !windowOpen ? (
        <TemplatePicker onSend={sendTpl} disabled={replyBlocked} />
      ) : (
        <form onSubmit={send}>
          <label for={`reply-text-${id}`} class="visually-hidden">
            {mode === "note" ? t("noteFieldLabel") : t("replyFieldLabel", { name: citizen })}
          </label>
          {slash && (
            <SnippetMenu id={menuId} query={slash.query} active={slash.active} onPick={insertSnippet} manageHref={hasRole("editor") ? routes.snippets : null} />
          )}
          <textarea
            ref={area}
            id={`reply-text-${id}`}
            rows={3}
            value={text}
            disabled={replyBlocked}
            aria-describedby={`${hintId} ${hintId}-count`}
            aria-controls={slash ? menuId : undefined}
            aria-autocomplete={slash ? "list" : undefined}
            aria-activedescendant={slash && visibleSnippets(slash.query).length ? `${menuId}-opt-${slash.active}` : undefined}
            placeholder={mode === "note" ? t("notePlaceholder") : resolved ? t("replyResolved") : replyBlocked ? t("replyBlocked", { name: blockedBy ?? "" }) : t("replyPlaceholder")}
            onInput={(e) => onInput(e.currentTarget.value)}
            onBlur={() => {
              setTyping(id, false);
              setSlash(null);
            }}
            onKeyDown={(e) => {
              if (onSlashKey(e)) return;
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send(e);
            }}
            onKeyUp={(e) => {
              if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") updateSlash(e.currentTarget.value, e.currentTarget.selectionStart);
            }}
          />
          {mode === "reply" && photo && (
            <div class="attachment">
              <img src={photo.preview} alt={t("attachmentAlt", { name: photo.name })} />
              <span class="small">{t("attachmentHint")}</span>
              <Button small variant="ghost" onClick={() => setPhoto(null)}>
                {t("attachmentRemove")}
              </Button>
            </div>
          )}
          <div class="reply-actions">
            {mode === "reply" && (
              <>
                <input ref={fileInput} type="file" accept="image/jpeg,image/png,image/webp" hidden onChange={(e) => void choosePhoto(e.currentTarget.files?.[0])} />
                <Button small onClick={() => fileInput.current?.click()} disabled={replyBlocked || !!photo} busy={uploading}>
                  {uploading ? t("attachmentUploading") : t("attachPhoto")}
                </Button>
              </>
            )}
            <CharCounter text={text} max={limit} id={`${hintId}-count`} />
            <span class="muted small">{t("sendShortcut")}</span>
            <Button type="submit" variant={mode === "note" ? "secondary" : "primary"} busy={busy} disabled={(!text.trim() && !(mode === "reply" && photo)) || replyBlocked || uploading || tooLong}>
              {mode === "note" ? t("saveNote") : takeover && blockedBy ? t("sendTakeover") : t("send")}
            </Button>
          </div>
        </form>
      )}
      {error && (
        <p class="status-msg status-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
