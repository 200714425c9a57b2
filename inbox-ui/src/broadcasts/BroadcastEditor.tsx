// Compose or edit a broadcast: who gets what (delivery: automatic, "Weiterlesen", template only),
// text with WhatsApp formatting and a photo, the template with its placeholders, channels with the
// 24-hour split, cost and tier; now or at a Vienna time; test-send; send after a confirmation.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, isApiError } from "../lib/api";
import { client } from "../lib/client";
import { linkClick, navigate } from "../lib/router";
import { Button, StatusMessage, TextArea, TextField, errorText, formatNumber } from "../ui";
import { useTemplates } from "../templates/live-templates";
import { TemplateBubble } from "../templates/TemplateBubble";
import { AudiencePanel } from "./AudiencePanel";
import { ChannelPicker } from "./ChannelPicker";
import { DELIVERIES, fetchEstimate, sendErrorText, splitOf } from "./delivery";
import { td } from "./delivery-strings";
import { CAPTION_MAX, TEXT_MAX, emptyState, requestBody, stateFrom, templateRefOf, usesContent, wrapSelection, type EditorState } from "./editor-state";
import { broadcastPaths } from "./paths";
import { Preview } from "./Preview";
import { SendConfirm, type SendPlan } from "./SendConfirm";
import { tb } from "./strings";
import { TemplateFields, chosenParts, findTemplate, hasQuickReply } from "./TemplateFields";
import { TestSend } from "./TestSend";
import type { AudienceEstimate } from "./types";
import { formatPhone } from "../ui/phone";
import { formatLocalDateTime, sendAtProblem, viennaNowLocal } from "./vienna-local";

export function BroadcastEditor({ id }: { id: string | null }) {
  const [s, setS] = useState<EditorState>(emptyState);
  const [savedId, setSavedId] = useState<string | null>(id);
  const [loaded, setLoaded] = useState(id === null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sendAtError, setSendAtError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "draft" | "send" | "test" | "upload" | null>(null);
  const [estimate, setEstimate] = useState<AudienceEstimate | null>(null);
  const [plan, setPlan] = useState<SendPlan | null>(null);
  const { templates: allTemplates } = useTemplates();
  const templates = allTemplates ?? [];
  const textRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<EditorState>) => setS((prev) => ({ ...prev, ...patch }));

  useEffect(() => {
    if (!id) return;
    call(client.api.broadcasts[":id"].$get({ param: { id } }))
      .then(({ broadcast }) => {
        if (broadcast.status !== "draft" && broadcast.status !== "scheduled") return navigate(broadcastPaths.detail(id), { replace: true });
        setS(stateFrom(broadcast));
        setLoaded(true);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [id]);

  // Reach, 24-hour split, cost and tier for the current choice (short debounce while ticking boxes).
  const template = templateRefOf(s);
  useEffect(() => {
    if (s.channelIds.length === 0) return setEstimate(null);
    const timer = setTimeout(() => {
      fetchEstimate({ channelIds: s.channelIds, delivery: s.delivery, kind: s.kind, template })
        .then(setEstimate)
        .catch(() => setEstimate(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [s.channelIds.join(","), s.delivery, s.kind, s.templateKey]);

  const limit = s.mediaId ? CAPTION_MAX : TEXT_MAX;
  const left = limit - s.text.length;
  const content = usesContent(s.delivery);
  const blocked = estimate ? splitOf(estimate, s.delivery, !!template).blocked : null;

  /** Saves as a draft (a schedule is set only after the confirmation). */
  async function save(): Promise<string | null> {
    setError(null);
    setNotice(null);
    try {
      const body = { ...requestBody(s), sendAt: null };
      const res = savedId
        ? await call(client.api.broadcasts[":id"].$patch({ param: { id: savedId }, json: body }))
        : await call(client.api.broadcasts.$post({ json: { ...body, kind: body.kind ?? "newsletter" } }));
      setSavedId(res.broadcast.id);
      if (!savedId) history.replaceState(null, "", broadcastPaths.edit(res.broadcast.id));
      return res.broadcast.id;
    } catch (err) {
      setError(errorText(err));
      return null;
    }
  }

  /** Asks before anything goes out: the dialog names recipients, who gets what, and the cost. */
  async function onSubmit(e: Event) {
    e.preventDefault();
    // A plan without a usable time is an error at the field, never a silently saved draft.
    const problem = s.when === "later" ? sendAtProblem(s.sendAtLocal, viennaNowLocal()) : null;
    if (problem) {
      setSendAtError(tb(problem === "missing" ? "sendAtMissing" : "sendAtPast"));
      requestAnimationFrame(() => document.getElementById("bc-send-at")?.focus());
      return;
    }
    setBusy("save");
    const saved = await save();
    setBusy(null);
    if (!saved) return;
    setPlan({
      title: s.title,
      kind: s.kind,
      delivery: s.delivery,
      channelIds: s.channelIds,
      template,
      scheduledFor: s.when === "later" ? formatLocalDateTime(s.sendAtLocal) : null,
    });
  }

  async function saveDraft() {
    setBusy("draft");
    const saved = await save();
    setBusy(null);
    if (saved) navigate(broadcastPaths.detail(saved));
  }

  async function confirmed() {
    if (!savedId) return;
    setBusy("send");
    const broadcast = client.api.broadcasts[":id"];
    try {
      if (s.when === "later") await call(broadcast.$patch({ param: { id: savedId }, json: { sendAt: s.sendAtLocal } }));
      else await call(broadcast.send.$post({ param: { id: savedId } }));
      setPlan(null);
      navigate(broadcastPaths.detail(savedId));
    } catch (err) {
      setPlan(null);
      // Four eyes: the detail page offers "Zur Freigabe senden".
      if (isApiError(err, "approval_required")) return navigate(broadcastPaths.detail(savedId));
      setError(sendErrorText(err));
    } finally {
      setBusy(null);
    }
  }

  async function testSend() {
    setBusy("test");
    try {
      const saved = await save();
      if (!saved) return;
      const r = await call(client.api.broadcasts[":id"].test.$post({ param: { id: saved } }));
      setNotice(tb(r.unconfirmed ? "testUnconfirmed" : "testSent", { to: formatPhone(r.to) }));
    } catch (err) {
      setError(errorText(err));
      throw err;
    } finally {
      setBusy(null);
    }
  }

  async function upload(file: File) {
    setBusy("upload");
    setError(null);
    try {
      const { media } = await call(client.api.media.$post({ form: { file } }));
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

  /** "Weiterlesen", with the one approved template that has a quick-reply button when there is exactly one. */
  function chooseTeaser() {
    const current = findTemplate(templates, s.templateKey);
    const candidates = templates.filter((x) => x.status === "APPROVED" && hasQuickReply(x));
    const pick = current && hasQuickReply(current) ? null : candidates.length === 1 ? candidates[0] : null;
    set({
      delivery: "teaser",
      ...(pick ? { templateKey: `${pick.name}|${pick.language}`, parameters: Array.from({ length: pick.parameterCount }, () => "") } : {}),
    });
  }

  if (!loaded) return error ? <StatusMessage kind="error">{error}</StatusMessage> : <div aria-busy="true" />;
  const parts = chosenParts(templates, s.templateKey);

  return (
    <div class="stack">
      <a href={broadcastPaths.list} onClick={linkClick}>
        {tb("back")}
      </a>
      <h1 id="broadcasts-title">{id ? tb("editorEdit") : tb("editorNew")}</h1>
      <form class="bc-editor" onSubmit={onSubmit} noValidate>
        <div class="bc-editor-form">
          <TextField label={tb("fieldTitle")} hint={tb("fieldTitleHint")} value={s.title} maxLength={200} required onInput={(e) => set({ title: e.currentTarget.value })} />
          <fieldset class="bc-fieldset">
            <legend>{tb("fieldKind")}</legend>
            <label class="radio">
              <input type="radio" name="kind" checked={s.kind === "newsletter"} onChange={() => set({ kind: "newsletter" })} />
              {tb("kindNewsletter")}
            </label>
            <label class="radio radio-block">
              <input type="radio" name="kind" checked={s.kind === "alert"} onChange={() => set({ kind: "alert" })} />
              <span>
                {tb("kindAlert")} <span class="muted small">– {tb("kindAlertHint")}</span>
              </span>
            </label>
          </fieldset>
          <fieldset class="bc-fieldset" aria-describedby="bc-window-hint">
            <legend>{td("fieldDelivery")}</legend>
            <p id="bc-window-hint" class="field-hint">
              {td("windowExplain")}
            </p>
            {DELIVERIES.map((d) => (
              <label class="radio radio-block" key={d}>
                <input type="radio" name="delivery" value={d} checked={s.delivery === d} onChange={() => (d === "teaser" ? chooseTeaser() : set({ delivery: d }))} />
                <span>
                  <strong>{td(`delivery_${d}`)}</strong> <span class="muted small">– {td(`delivery_${d}_hint`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {content && (
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
          )}
          <TemplateFields templates={templates} state={s} set={set} />
          <ChannelPicker selected={s.channelIds} onChange={(channelIds) => set({ channelIds })} />
          <AudiencePanel estimate={estimate} delivery={s.delivery} templateName={template?.name ?? null} hasChannels={s.channelIds.length > 0} onUseTeaser={chooseTeaser} />
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
              <TextField
                id="bc-send-at"
                type="datetime-local"
                label={tb("fieldSendAt")}
                hint={tb("fieldSendAtHint")}
                error={sendAtError}
                value={s.sendAtLocal}
                required
                onInput={(e) => {
                  setSendAtError(null);
                  set({ sendAtLocal: e.currentTarget.value });
                }}
              />
            )}
          </fieldset>
          {error && <StatusMessage kind="error">{error}</StatusMessage>}
          {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
          <div class="bc-actions">
            <Button type="submit" variant="primary" busy={busy === "save" || busy === "send"} disabled={blocked === "needsTemplate"}>
              {s.when === "later" ? tb("saveSchedule") : tb("saveAndSend")}
            </Button>
            <Button variant="ghost" busy={busy === "draft"} onClick={() => void saveDraft()}>
              {tb("saveDraft")}
            </Button>
            <a class="btn btn-ghost" href={savedId ? broadcastPaths.detail(savedId) : broadcastPaths.list} onClick={linkClick}>
              {tb("cancelEdit")}
            </a>
          </div>
          <TestSend busy={busy === "test"} onTest={testSend} />
        </div>
        <div class="bc-previews">
          {content && <Preview text={s.text} photoUrl={s.mediaUrl} caption={template ? td("previewInside") : null} />}
          {parts && (
            <figure class="wa-preview" aria-labelledby="bc-tpl-preview">
              <figcaption id="bc-tpl-preview" class="label-like">
                {content ? td("previewOutside") : td("previewAll")}
              </figcaption>
              <div class="wa-chat">
                <TemplateBubble parts={parts} values={s.parameters} />
              </div>
            </figure>
          )}
        </div>
      </form>
      <SendConfirm plan={plan} busy={busy === "send"} onConfirm={() => void confirmed()} onCancel={() => setPlan(null)} />
    </div>
  );
}
