// Compose or edit a broadcast: text with WhatsApp formatting and a photo, or a template; channels
// with subscriber counts and the reach; now or at a Vienna time; test-send; send.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../lib/api";
import { linkClick, navigate } from "../lib/router";
import { Button, ConfirmDialog, StatusMessage, TextArea, TextField, errorText, formatNumber } from "../ui";
import { ChannelPicker } from "./ChannelPicker";
import { CAPTION_MAX, TEXT_MAX, emptyState, requestBody, stateFrom, wrapSelection, type EditorState } from "./editor-state";
import { broadcastPaths } from "./paths";
import { Preview } from "./Preview";
import { tb } from "./strings";
import { TemplateFields, templatePreview } from "./TemplateFields";
import type { AudienceEstimate, BroadcastDetail, TemplateOption } from "./types";

export function BroadcastEditor({ id }: { id: string | null }) {
  const [s, setS] = useState<EditorState>(emptyState);
  const [savedId, setSavedId] = useState<string | null>(id);
  const [loaded, setLoaded] = useState(id === null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "send" | "test" | "upload" | null>(null);
  const [estimate, setEstimate] = useState<AudienceEstimate | null>(null);
  const [templates, setTemplates] = useState<TemplateOption[]>([]);
  const [confirming, setConfirming] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<EditorState>) => setS((prev) => ({ ...prev, ...patch }));

  useEffect(() => {
    if (!id) return;
    api<{ broadcast: BroadcastDetail }>(`/api/broadcasts/${encodeURIComponent(id)}`)
      .then(({ broadcast }) => {
        if (broadcast.status !== "draft" && broadcast.status !== "scheduled") return navigate(broadcastPaths.detail(id), { replace: true });
        setS(stateFrom(broadcast));
        setLoaded(true);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [id]);

  useEffect(() => {
    api<{ templates: TemplateOption[] }>("/api/templates?status=APPROVED")
      .then((r) => setTemplates(r.templates))
      .catch(() => setTemplates([]));
  }, []);

  // Reach and tier warning for the chosen channels (short debounce while ticking boxes).
  useEffect(() => {
    const timer = setTimeout(() => {
      api<AudienceEstimate>(`/api/broadcasts/estimate?channelIds=${encodeURIComponent(s.channelIds.join(","))}`)
        .then(setEstimate)
        .catch(() => setEstimate(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [s.channelIds.join(",")]);

  const limit = s.mediaId ? CAPTION_MAX : TEXT_MAX;
  const left = limit - s.text.length;

  async function save(): Promise<string | null> {
    setError(null);
    setNotice(null);
    try {
      const body = requestBody(s);
      const res = savedId
        ? await api<{ broadcast: BroadcastDetail }>(`/api/broadcasts/${encodeURIComponent(savedId)}`, { method: "PATCH", body })
        : await api<{ broadcast: BroadcastDetail }>("/api/broadcasts", { method: "POST", body });
      setSavedId(res.broadcast.id);
      if (!savedId) history.replaceState(null, "", broadcastPaths.edit(res.broadcast.id));
      setNotice(tb("saved"));
      return res.broadcast.id;
    } catch (err) {
      setError(errorText(err));
      return null;
    }
  }

  async function onSave(e: Event) {
    e.preventDefault();
    setBusy("save");
    const saved = await save();
    setBusy(null);
    if (saved && s.when === "later") navigate(broadcastPaths.detail(saved));
    else if (saved && s.when === "now") setConfirming(true);
  }

  async function sendNow() {
    setConfirming(false);
    if (!savedId) return;
    setBusy("send");
    try {
      await api(`/api/broadcasts/${encodeURIComponent(savedId)}/send`, { method: "POST" });
      navigate(broadcastPaths.detail(savedId));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  }

  async function testSend() {
    setBusy("test");
    const saved = await save();
    if (saved) {
      try {
        const r = await api<{ to: string; unconfirmed?: boolean }>(`/api/broadcasts/${encodeURIComponent(saved)}/test`, { method: "POST" });
        setNotice(tb(r.unconfirmed ? "testUnconfirmed" : "testSent", { to: r.to }));
      } catch (err) {
        setError(errorText(err));
      }
    }
    setBusy(null);
  }

  async function upload(file: File) {
    setBusy("upload");
    setError(null);
    const form = new FormData();
    form.append("file", file);
    try {
      const { media } = await api<{ media: { id: string; url: string } }>("/api/media", { method: "POST", body: form });
      set({ mediaId: media.id, mediaUrl: media.url });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  }

  function format(mark: string) {
    const el = textRef.current;
    if (!el) return;
    const next = wrapSelection(s.text, el.selectionStart, el.selectionEnd, mark);
    set({ text: next.text });
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.start, next.end);
    });
  }

  if (!loaded) return error ? <StatusMessage kind="error">{error}</StatusMessage> : <div aria-busy="true" />;
  const previewText = s.mode === "template" ? templatePreview(templates, s) : s.text;

  return (
    <div class="stack">
      <a href={broadcastPaths.list} onClick={linkClick}>
        {tb("back")}
      </a>
      <h1 id="broadcasts-title">{id ? tb("editorEdit") : tb("editorNew")}</h1>
      <form class="bc-editor" onSubmit={onSave} noValidate>
        <div class="bc-editor-form">
          <TextField label={tb("fieldTitle")} hint={tb("fieldTitleHint")} value={s.title} maxLength={200} required onInput={(e) => set({ title: e.currentTarget.value })} />
          <fieldset class="bc-fieldset">
            <legend>{tb("fieldKind")}</legend>
            <label class="radio">
              <input type="radio" name="kind" checked={s.kind === "newsletter"} onChange={() => set({ kind: "newsletter" })} />
              {tb("kindNewsletter")}
            </label>
            <label class="radio">
              <input type="radio" name="kind" checked={s.kind === "alert"} onChange={() => set({ kind: "alert" })} />
              {tb("kindAlert")} <span class="muted small">– {tb("kindAlertHint")}</span>
            </label>
          </fieldset>
          <fieldset class="bc-fieldset">
            <legend>{tb("fieldMode")}</legend>
            <label class="radio">
              <input type="radio" name="mode" checked={s.mode === "text"} onChange={() => set({ mode: "text" })} />
              {tb("modeText")}
            </label>
            <label class="radio">
              <input type="radio" name="mode" checked={s.mode === "template"} onChange={() => set({ mode: "template" })} />
              {tb("modeTemplate")}
            </label>
            <p class="field-hint">{tb("modeTemplateHint")}</p>
          </fieldset>
          {s.mode === "text" ? (
            <>
              <div class="bc-toolbar" role="toolbar" aria-label={tb("formatting")}>
                <button type="button" class="filter" onClick={() => format("*")} aria-label={tb("bold")}>
                  <strong>B</strong>
                </button>
                <button type="button" class="filter" onClick={() => format("_")} aria-label={tb("italic")}>
                  <em>I</em>
                </button>
                <button type="button" class="filter" onClick={() => format("~")} aria-label={tb("strike")}>
                  <s>S</s>
                </button>
              </div>
              <TextArea
                ref={textRef}
                label={tb("fieldText")}
                hint={`${tb("fieldTextHint")} ${left >= 0 ? tb("charsLeft", { n: formatNumber(left) }) : tb("charsOver", { n: formatNumber(-left) })}`}
                error={left < 0 ? tb("charsOver", { n: formatNumber(-left) }) : null}
                rows={9}
                value={s.text}
                onInput={(e) => set({ text: e.currentTarget.value })}
              />
              <div class="field">
                <label for="bc-photo">{tb("fieldPhoto")}</label>
                <input id="bc-photo" type="file" accept="image/jpeg,image/png" aria-describedby="bc-photo-hint" onChange={(e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) void upload(f);
                }} />
                <span id="bc-photo-hint" class="field-hint">
                  {busy === "upload" ? tb("uploading") : tb("fieldPhotoHint")}
                </span>
                {s.mediaId && (
                  <Button small variant="ghost" onClick={() => set({ mediaId: null, mediaUrl: null })}>
                    {tb("removePhoto")}
                  </Button>
                )}
              </div>
            </>
          ) : (
            <TemplateFields templates={templates} state={s} set={set} onSynced={setTemplates} onError={setError} />
          )}
          <ChannelPicker selected={s.channelIds} onChange={(channelIds) => set({ channelIds })} estimate={estimate} />
          <fieldset class="bc-fieldset">
            <legend>{tb("fieldWhen")}</legend>
            <label class="radio">
              <input type="radio" name="when" checked={s.when === "now"} onChange={() => set({ when: "now" })} />
              {tb("whenNow")}
            </label>
            <label class="radio">
              <input type="radio" name="when" checked={s.when === "later"} onChange={() => set({ when: "later" })} />
              {tb("whenLater")}
            </label>
            {s.when === "later" && (
              <TextField type="datetime-local" label={tb("fieldSendAt")} hint={tb("fieldSendAtHint")} value={s.sendAtLocal} required onInput={(e) => set({ sendAtLocal: e.currentTarget.value })} />
            )}
          </fieldset>
          {error && <StatusMessage kind="error">{error}</StatusMessage>}
          {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
          <div class="bc-actions">
            <Button type="submit" variant="primary" busy={busy === "save" || busy === "send"}>
              {s.when === "later" ? tb("saveSchedule") : tb("saveAndSend")}
            </Button>
            <Button busy={busy === "test"} onClick={() => void testSend()}>
              {tb("testSend")}
            </Button>
            <a class="btn btn-ghost" href={savedId ? broadcastPaths.detail(savedId) : broadcastPaths.list} onClick={linkClick}>
              {tb("cancelEdit")}
            </a>
          </div>
        </div>
        <Preview text={previewText} photoUrl={s.mode === "text" ? s.mediaUrl : null} />
      </form>
      <ConfirmDialog
        open={confirming}
        title={tb("confirmSendTitle")}
        message={tb("confirmSend", { n: formatNumber(estimate?.recipients ?? 0) })}
        confirmLabel={tb("sendNow")}
        onConfirm={() => void sendNow()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
