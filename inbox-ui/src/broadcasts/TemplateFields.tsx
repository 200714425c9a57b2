// The template part of the editor: choose an approved template for the delivery, fill its
// placeholders (with Meta's example values as hints), see whether it has the "Weiterlesen" button.
import { t } from "../i18n";
import { SelectField, TextField } from "../ui";
import { quickReplyButtons } from "../../../worker/shared/template-rules";
import { categoryLabel } from "../templates/strings";
import { partsOf, type TemplateParts } from "../templates/TemplateBubble";
import { templateKey, type EditorState } from "./editor-state";
import { td } from "./delivery-strings";
import { broadcastPaths } from "./paths";
import { tb } from "./strings";
import type { TemplateOption } from "./types";

export const findTemplate = (templates: readonly TemplateOption[], key: string) => templates.find((x) => templateKey(x.name, x.language) === key);

/** The chosen template's parts for the preview, or null. */
export function chosenParts(templates: readonly TemplateOption[], key: string): TemplateParts | null {
  const tpl = findTemplate(templates, key);
  return tpl ? partsOf(tpl.components, tpl.body) : null;
}

/** Example values Meta got for the body placeholders, as hints for the fields. */
function bodyExamples(tpl: TemplateOption): string[] {
  for (const c of tpl.components) {
    if (!c || typeof c !== "object") continue;
    const o = c as { type?: unknown; example?: { body_text?: unknown } };
    if (String(o.type).toUpperCase() === "BODY" && Array.isArray(o.example?.body_text) && Array.isArray(o.example.body_text[0])) {
      return (o.example.body_text[0] as unknown[]).map(String);
    }
  }
  return [];
}

export const hasQuickReply = (tpl: TemplateOption) => quickReplyButtons(tpl.components).length > 0;

export function TemplateFields({ templates, state: s, set }: { templates: TemplateOption[]; state: EditorState; set: (patch: Partial<EditorState>) => void }) {
  const usable = templates.filter((x) => x.status === "APPROVED");
  const chosen = findTemplate(templates, s.templateKey);
  const examples = chosen ? bodyExamples(chosen) : [];
  // For "Weiterlesen" the templates with a quick-reply button come first.
  const ordered = s.delivery === "teaser" ? [...usable.filter(hasQuickReply), ...usable.filter((x) => !hasQuickReply(x))] : usable;

  return (
    <div class="bc-template">
      <SelectField
        label={td(`templateFor_${s.delivery}`)}
        value={s.templateKey}
        hint={chosen ? td("templateCategory", { category: categoryLabel(chosen.category) }) : undefined}
        error={chosen && s.delivery === "teaser" && !hasQuickReply(chosen) ? td("noQuickReply") : null}
        onChange={(e) => {
          const key = e.currentTarget.value;
          const tpl = findTemplate(templates, key);
          set({ templateKey: key, parameters: Array.from({ length: tpl?.parameterCount ?? 0 }, (_, i) => s.parameters[i] ?? "") });
        }}
      >
        <option value="">{tb("chooseTemplate")}</option>
        {ordered.map((x) => (
          <option key={x.id} value={templateKey(x.name, x.language)}>
            {x.name} ({x.language}){s.delivery === "teaser" && hasQuickReply(x) ? ` – ${quickReplyButtons(x.components).join(", ")}` : ""}
          </option>
        ))}
        {chosen && chosen.status !== "APPROVED" && <option value={s.templateKey}>{`${chosen.name} (${chosen.language}) – ${chosen.status}`}</option>}
      </SelectField>
      {chosen &&
        Array.from({ length: chosen.parameterCount }, (_, i) => (
          <TextField
            key={`${s.templateKey}-${i}`}
            label={tb("parameter", { n: i + 1 })}
            hint={examples[i] ? td("exampleHint", { value: examples[i] }) : undefined}
            value={s.parameters[i] ?? ""}
            required
            onInput={(e) => {
              const next = [...s.parameters];
              next[i] = e.currentTarget.value;
              set({ parameters: next });
            }}
          />
        ))}
      <p class="small">
        <a href={broadcastPaths.templateNew} target="_blank" rel="noopener">
          {td("newTemplate")}
        </a>{" "}
        <span class="muted">{t("opensNewTab")}</span> ·{" "}
        <a href={broadcastPaths.templates} target="_blank" rel="noopener">
          {td("manageTemplates")}
        </a>
      </p>
    </div>
  );
}
