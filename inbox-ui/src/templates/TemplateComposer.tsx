// Compose a new template: name, category, language, optional header (text or image), body with
// placeholders and their required examples, optional footer, up to three quick-reply buttons.
// Meta's rules are checked as the clerk types (checkTemplate, shared with the server); each
// problem is explained in German next to its field before anything is submitted.
import { useMemo, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { call, isApiError } from "../lib/api";
import { client } from "../lib/client";
import { linkClick, navigate } from "../lib/router";
import { Button, SelectField, StatusMessage, TextArea, TextField, errorText } from "../ui";
import { broadcastPaths } from "../broadcasts/paths";
import { placeholderKeys, TEMPLATE_BODY_MAX, TEMPLATE_BUTTONS_MAX, type TemplateProblem } from "../../../worker/shared/template-rules";
import { checkComposer, emptyComposer, LANGUAGES, nextPlaceholder, slugName, type ComposerState } from "./composer-state";
import { tt, type TemplateStringKey } from "./strings";
import { partsOf, TemplateBubble } from "./TemplateBubble";

const READ_MORE = "Weiterlesen";

export function TemplateComposer() {
  const [s, setS] = useState<ComposerState>(emptyComposer);
  const [attempted, setAttempted] = useState(false);
  const [serverProblems, setServerProblems] = useState<TemplateProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"submit" | "upload" | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const set = (patch: Partial<ComposerState>) => setS((prev) => ({ ...prev, ...patch }));
  const checked = useMemo(() => checkComposer(s), [s]);
  // Example fields follow the placeholders as written ({{1}}, {{3}} → two fields named so), in Meta's order.
  const bodyKeys = [...new Set(placeholderKeys(s.body))].sort((x, y) => Number(x) - Number(y) || x.localeCompare(y));
  const headerHasVar = /\{\{\s*1\s*\}\}/.test(s.headerText);
  const err = (field: string) => (attempted ? (checked.byField[field] ?? null) : null);
  const touched = s.body.trim() !== "" || attempted;
  const problems = attempted && serverProblems.length ? serverProblems : checked.problems;

  function insertPlaceholder() {
    const el = bodyRef.current;
    const token = `{{${nextPlaceholder(s.body)}}}`;
    const start = el?.selectionStart ?? s.body.length;
    const end = el?.selectionEnd ?? s.body.length;
    set({ body: `${s.body.slice(0, start)}${token}${s.body.slice(end)}` });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  async function upload(file: File) {
    setBusy("upload");
    setError(null);
    try {
      const { media } = await call(client.api.media.$post({ form: { file } }));
      set({ headerImage: { handle: media.id, url: media.url } });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setAttempted(true);
    setServerProblems([]);
    setError(null);
    if (checked.problems.length > 0) {
      document.getElementById("tpl-problems")?.focus();
      return;
    }
    setBusy("submit");
    try {
      const json = s.manual ? { ...checked.draft, manual: true } : checked.draft;
      await call(client.api.templates.$post({ json }));
      navigate(broadcastPaths.templates);
    } catch (e) {
      const list = isApiError(e, "template_invalid") ? e.details?.problems : undefined;
      if (Array.isArray(list)) setServerProblems(list.filter((p): p is TemplateProblem => !!p && typeof (p as TemplateProblem).message === "string"));
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div class="stack">
      <a href={broadcastPaths.templates} onClick={linkClick}>
        {tt("backToTemplates")}
      </a>
      <h1 id="broadcasts-title">{tt("composerTitle")}</h1>
      <form class="bc-editor" onSubmit={submit} noValidate>
        <div class="bc-editor-form">
          <TextField
            label={tt("fieldName")}
            hint={tt("fieldNameHint")}
            value={s.name}
            error={err("name")}
            autocomplete="off"
            spellcheck={false}
            onInput={(e) => set({ name: e.currentTarget.value })}
            onBlur={(e) => set({ name: slugName(e.currentTarget.value) })}
          />
          <fieldset class="bc-fieldset">
            <legend>{tt("fieldCategory")}</legend>
            {(["MARKETING", "UTILITY"] as const).map((c) => (
              <label class="radio radio-block" key={c}>
                <input type="radio" name="tpl-category" checked={s.category === c} onChange={() => set({ category: c })} />
                <span>
                  {tt(`category_${c}`)} <span class="muted small">– {tt(`categoryHint_${c}`)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <SelectField label={tt("fieldLanguage")} value={s.language} error={err("language")} onChange={(e) => set({ language: e.currentTarget.value })}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {tt(`lang_${l}` as TemplateStringKey)}
              </option>
            ))}
          </SelectField>
          <fieldset class="bc-fieldset">
            <legend>{tt("fieldHeader")}</legend>
            <div class="radio-row">
              {(["none", "text", "image"] as const).map((k) => (
                <label class="radio" key={k}>
                  <input type="radio" name="tpl-header" checked={s.headerKind === k} onChange={() => set({ headerKind: k })} />
                  {tt(`header_${k}`)}
                </label>
              ))}
            </div>
            {s.headerKind === "text" && (
              <>
                <TextField label={tt("fieldHeaderText")} hint={`${tt("fieldHeaderTextHint")} (${s.headerText.length}/60)`} value={s.headerText} error={err("header")} onInput={(e) => set({ headerText: e.currentTarget.value })} />
                {headerHasVar && <TextField label={tt("fieldHeaderExample")} hint={tt("fieldExampleHint")} value={s.headerExample} error={err("headerExample")} onInput={(e) => set({ headerExample: e.currentTarget.value })} />}
              </>
            )}
            {s.headerKind === "image" && (
              <div class="field">
                <label for="tpl-image">{tt("fieldHeaderImage")}</label>
                <input id="tpl-image" type="file" accept="image/jpeg,image/png" aria-describedby="tpl-image-hint" onChange={(e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) void upload(f);
                }} />
                <span id="tpl-image-hint" class="field-hint">
                  {busy === "upload" ? tt("uploading") : tt("fieldHeaderImageHint")}
                </span>
                {err("headerExample") && (
                  <span class="field-error" role="alert">
                    {err("headerExample")}
                  </span>
                )}
              </div>
            )}
          </fieldset>
          <div class="bc-toolbar">
            <button type="button" class="filter" onClick={insertPlaceholder}>
              {tt("insertPlaceholder", { n: nextPlaceholder(s.body) })}
            </button>
          </div>
          <TextArea
            ref={bodyRef}
            label={tt("fieldBody")}
            hint={`${tt("fieldBodyHint")} (${s.body.length}/${TEMPLATE_BODY_MAX})`}
            error={err("body")}
            rows={7}
            value={s.body}
            onInput={(e) => set({ body: e.currentTarget.value })}
          />
          {bodyKeys.map((k, i) => (
            <TextField
              key={k}
              label={tt("fieldExample", { n: k })}
              hint={tt("fieldExampleHint")}
              value={s.bodyExamples[i] ?? ""}
              error={attempted && !(s.bodyExamples[i] ?? "").trim() ? err("bodyExamples") : null}
              onInput={(e) => {
                const next = [...s.bodyExamples];
                next[i] = e.currentTarget.value;
                set({ bodyExamples: next });
              }}
            />
          ))}
          <TextField label={tt("fieldFooter")} hint={tt("fieldFooterHint")} value={s.footer} error={err("footer")} onInput={(e) => set({ footer: e.currentTarget.value })} />
          <fieldset class="bc-fieldset" aria-describedby="tpl-buttons-hint">
            <legend>{tt("fieldButtons")}</legend>
            <p id="tpl-buttons-hint" class="field-hint">
              {tt("fieldButtonsHint")}
            </p>
            {s.buttons.map((b, i) => (
              <div class="tpl-button-row" key={i}>
                <TextField
                  label={tt("fieldButton", { n: i + 1 })}
                  value={b}
                  maxLength={40}
                  error={err(`button${i}`)}
                  onInput={(e) => set({ buttons: s.buttons.map((x, j) => (j === i ? e.currentTarget.value : x)) })}
                />
                <Button small variant="ghost" aria-label={tt("removeButton", { n: i + 1 })} onClick={() => set({ buttons: s.buttons.filter((_, j) => j !== i) })}>
                  ✕
                </Button>
              </div>
            ))}
            {err("buttons") && (
              <span class="field-error" role="alert">
                {err("buttons")}
              </span>
            )}
            {s.buttons.length < TEMPLATE_BUTTONS_MAX && (
              <div class="bc-actions">
                {!s.buttons.includes(READ_MORE) && (
                  <Button small onClick={() => set({ buttons: [...s.buttons, READ_MORE] })}>
                    {tt("addReadMore")}
                  </Button>
                )}
                <Button small variant="ghost" onClick={() => set({ buttons: [...s.buttons, ""] })}>
                  {tt("addButton")}
                </Button>
              </div>
            )}
          </fieldset>
          <label class="radio radio-block">
            <input type="checkbox" checked={s.manual} onChange={(e) => set({ manual: e.currentTarget.checked })} />
            <span>
              {tt("manual")} <span class="muted small">– {tt("manualHint")}</span>
            </span>
          </label>
          <div id="tpl-problems" tabIndex={-1} aria-live="polite">
            {touched && problems.length > 0 && (
              <div class="status-msg status-warn" data-testid="template-problems">
                <p>
                  <strong>{tt("problemsTitle")}</strong>
                </p>
                <ul class="tpl-problems">
                  {problems.map((p, i) => (
                    <li key={`${p.path}-${i}`}>{p.message}</li>
                  ))}
                </ul>
              </div>
            )}
            {touched && problems.length === 0 && <StatusMessage kind="ok">{tt("checksOk")}</StatusMessage>}
          </div>
          {error && <StatusMessage kind="error">{error}</StatusMessage>}
          <div class="bc-actions">
            <Button type="submit" variant="primary" busy={busy === "submit"}>
              {s.manual ? tt("saveManual") : tt("submitTemplate")}
            </Button>
            <a class="btn btn-ghost" href={broadcastPaths.templates} onClick={linkClick}>
              {t("cancel")}
            </a>
          </div>
        </div>
        <figure class="wa-preview" aria-labelledby="tpl-preview-title">
          <figcaption id="tpl-preview-title" class="label-like">
            {tt("preview")} <span class="muted small">– {tt("previewHint")}</span>
          </figcaption>
          <div class="wa-chat">
            <TemplateBubble parts={partsOf(checked.draft.components)} values={s.bodyExamples} headerValues={[s.headerExample]} imageUrl={s.headerImage?.url ?? null} />
          </div>
        </figure>
      </form>
    </div>
  );
}
