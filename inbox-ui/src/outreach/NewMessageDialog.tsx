// "Neue Nachricht": write first to a citizen who has consent on record (subscribed, or wrote before).
// Outside the 24-hour window only approved templates are offered (placeholders in a form, with a
// preview); inside it free text too. After sending, the conversation opens (new or existing).
import { useEffect, useState } from "preact/hooks";
import type { SubscriberSummary } from "../../../worker/shared/wire-types";
import { t } from "../i18n";
import { call, isApiError } from "../lib/api";
import { client, type Input } from "../lib/client";
import { linkClick, navigate, routes } from "../lib/router";
import type { Template } from "../lib/types";
import { Button, Dialog, StatusMessage, TextArea, TextField, errorText } from "../ui";
import { formatPhone } from "../inbox/labels";
import { TemplatePicker } from "../inbox/TemplatePicker";
import { CharCounter, charCount, WHATSAPP_TEXT_LIMIT } from "./CharCounter";
import { to } from "./strings";

const WINDOW_MS = 24 * 60 * 60 * 1000;

export type Recipient = Pick<SubscriberSummary, "id" | "name" | "waId" | "lastInboundAt" | "channels">;

const label = (r: Pick<Recipient, "name" | "waId">) => r.name?.trim() || (r.waId ? formatPhone(r.waId) : "?");

function PersonSearch({ onChoose }: { onChoose: (r: Recipient) => void }) {
  const [q, setQ] = useState("");
  const [results, setResults] = useState<Recipient[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (q.trim().length < 2) {
      setResults(null);
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      call(client.api.subscribers.$get({ query: { limit: "8", q: q.trim() } }, { init: { signal: ctrl.signal } }))
        .then((r) => {
          setError(null);
          setResults(r.subscribers);
        })
        .catch((err: unknown) => !ctrl.signal.aborted && setError(errorText(err)));
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q]);
  return (
    <>
      <TextField label={to("searchPerson")} hint={to("searchPersonHint")} type="search" value={q} autoFocus onInput={(e) => setQ(e.currentTarget.value)} />
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {results && results.length === 0 && <p class="muted small">{to("noMatches")}</p>}
      {results && results.length > 0 && (
        <ul class="person-results" aria-live="polite">
          {results.map((r) => (
            <li key={r.id}>
              <span>
                <strong>{label(r)}</strong>
                <br />
                <span class="small muted">
                  {r.waId ? formatPhone(r.waId) : ""} · {r.channels.length ? to("subscribedTo", { list: String(r.channels.length) }) : to("noSubscriptions")}
                </span>
              </span>
              <Button small onClick={() => onChoose(r)}>
                {to("choosePerson")}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function NewMessageDialog({ open, onClose, recipient }: { open: boolean; onClose: () => void; recipient?: Recipient | null }) {
  const [chosen, setChosen] = useState<Recipient | null>(recipient ?? null);
  const [mode, setMode] = useState<"template" | "text">("template");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; conversationId?: string } | null>(null);
  useEffect(() => {
    if (!open) return;
    setChosen(recipient ?? null);
    setMode("template");
    setText("");
    setError(null);
  }, [open, recipient?.id]);

  const windowOpen = !!chosen?.lastInboundAt && chosen.lastInboundAt + WINDOW_MS > Date.now();

  async function start(body: Omit<Input<typeof client.api.outreach.conversations.$post>["json"], "citizenId">): Promise<boolean> {
    if (!chosen) return false;
    setError(null);
    try {
      const res = await call(client.api.outreach.conversations.$post({ json: { citizenId: chosen.id, ...body } }));
      onClose();
      navigate(routes.conversation(res.conversationId));
      return true;
    } catch (err) {
      // Someone else holds the citizen's open conversation: offer to open it there.
      const other = isApiError(err, "claimed_by_other") && typeof err.details?.conversationId === "string" ? err.details.conversationId : undefined;
      setError({ text: errorText(err), conversationId: other });
      if (isApiError(err, "outside_window")) setMode("template");
      return false;
    }
  }

  async function sendText(e: Event) {
    e.preventDefault();
    if (!text.trim() || charCount(text) > WHATSAPP_TEXT_LIMIT) return;
    setBusy(true);
    await start({ text: text.trim() });
    setBusy(false);
  }

  return (
    <Dialog open={open} title={to("newMessageTitle")} onClose={onClose} class="dialog-wide">
      {!chosen ? (
        <PersonSearch onChoose={setChosen} />
      ) : (
        <div class="stack">
          <p>
            <strong>{to("chosen", { name: label(chosen) })}</strong>{" "}
            {!recipient && (
              <Button small variant="ghost" onClick={() => setChosen(null)}>
                {to("changePerson")}
              </Button>
            )}
          </p>
          <p class={`small ${windowOpen ? "window-open" : "window-closed"}`}>{windowOpen ? to("windowOpenFree") : to("windowClosedTemplate")}</p>
          {windowOpen && (
            <div class="new-message-mode" role="group" aria-label={t("replyModeLabel")}>
              <button type="button" class="reply-mode" aria-pressed={mode === "template"} onClick={() => setMode("template")}>
                {to("useTemplate")}
              </button>
              <button type="button" class="reply-mode" aria-pressed={mode === "text"} onClick={() => setMode("text")}>
                {to("useText")}
              </button>
            </div>
          )}
          {mode === "text" && windowOpen ? (
            <form onSubmit={sendText}>
              <TextArea label={to("messageText")} rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />
              <div class="reply-actions">
                <CharCounter text={text} max={WHATSAPP_TEXT_LIMIT} />
                <Button type="submit" variant="primary" busy={busy} disabled={!text.trim() || charCount(text) > WHATSAPP_TEXT_LIMIT}>
                  {to("send")}
                </Button>
              </div>
            </form>
          ) : (
            <TemplatePicker disabled={false} onSend={(tpl: Template, params: string[]) => start({ template: { name: tpl.name, language: tpl.language, parameters: params } })} />
          )}
        </div>
      )}
      {error && (
        <StatusMessage kind="error">
          {error.text}{" "}
          {error.conversationId && (
            <a href={routes.conversation(error.conversationId)} onClick={linkClick}>
              {to("openConversation")}
            </a>
          )}
        </StatusMessage>
      )}
    </Dialog>
  );
}
