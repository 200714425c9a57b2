// Outside the 24-hour window WhatsApp only allows approved templates: pick one, fill its
// placeholders, see the preview, send.
import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { api } from "../lib/api";
import type { Template } from "../lib/types";
import { Button, SelectField, TextField, errorText } from "../ui";
import { CharCounter, charCount } from "../outreach/CharCounter";

/** WhatsApp's limit for a template's body text, placeholders filled. */
export const TEMPLATE_BODY_LIMIT = 1024;

const templates = signal<Template[] | null>(null);
const templatesError = signal<string | null>(null);

/** Fetched each time a picker appears (templates get synced or added meanwhile); the last list shows until then. */
async function loadTemplates(): Promise<void> {
  templatesError.value = null;
  try {
    const res = await api<{ templates: Template[] }>("/api/templates?status=APPROVED");
    templates.value = res.templates.filter((tpl) => !tpl.status || tpl.status.toUpperCase() === "APPROVED");
  } catch (err) {
    templatesError.value = errorText(err);
  }
}

/** Number of {{n}} placeholders: from the template, or counted in its body. */
export function placeholderCount(tpl: Template): number {
  if (typeof tpl.parameterCount === "number") return tpl.parameterCount;
  const nums = [...(tpl.body ?? "").matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
  return nums.length ? Math.max(...nums) : 0;
}

export function fillTemplate(body: string, params: string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => params[Number(n) - 1]?.trim() || whole);
}

export function TemplatePicker({ onSend, disabled }: { onSend: (tpl: Template, params: string[]) => Promise<boolean>; disabled: boolean }) {
  const [key, setKey] = useState("");
  const [params, setParams] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => void loadTemplates(), []);

  const list = templates.value;
  const tpl = list?.find((x) => `${x.name}|${x.language}` === key) ?? null;
  const count = tpl ? placeholderCount(tpl) : 0;
  const filled = tpl?.body ? fillTemplate(tpl.body, params) : "";
  const complete = !!tpl && Array.from({ length: count }, (_, i) => params[i]?.trim()).every(Boolean) && charCount(filled) <= TEMPLATE_BODY_LIMIT;

  async function submit(e: Event) {
    e.preventDefault();
    if (!tpl || !complete) return;
    setBusy(true);
    const ok = await onSend(tpl, params.slice(0, count).map((p) => p.trim()));
    setBusy(false);
    if (ok) {
      setKey("");
      setParams([]);
    }
  }

  if (templatesError.value) return <p class="status-msg status-error" role="alert">{templatesError.value}</p>;
  if (list && list.length === 0) return <p class="muted">{t("noTemplates")}</p>;
  return (
    <form class="template-picker" onSubmit={submit}>
      <SelectField label={t("templateLabel")} value={key} onChange={(e) => { setKey(e.currentTarget.value); setParams([]); }} disabled={disabled || !list}>
        <option value="">{t("templateChoose")}</option>
        {(list ?? []).map((x) => (
          <option key={`${x.name}|${x.language}`} value={`${x.name}|${x.language}`}>
            {x.name} ({x.language})
          </option>
        ))}
      </SelectField>
      {tpl &&
        Array.from({ length: count }, (_, i) => (
          <TextField
            key={`${key}-${i}`}
            label={t("templateParam", { n: i + 1 })}
            value={params[i] ?? ""}
            onInput={(e) => {
              const next = [...params];
              next[i] = e.currentTarget.value;
              setParams(next);
            }}
            required
          />
        ))}
      {tpl?.body && (
        <div class="template-preview">
          <p class="template-preview-label">{t("templatePreview")}</p>
          <p>{filled}</p>
        </div>
      )}
      {tpl?.body && <CharCounter text={filled} max={TEMPLATE_BODY_LIMIT} />}
      <div class="reply-actions">
        <Button type="submit" variant="primary" disabled={disabled || !complete} busy={busy}>
          {t("templateSend")}
        </Button>
      </div>
    </form>
  );
}
