// Template mode of the editor: choose an approved template, fill its placeholders, sync from WhatsApp.
import { useState } from "preact/hooks";
import { api } from "../lib/api";
import { Button, SelectField, StatusMessage, TextField, errorText } from "../ui";
import { templateKey, type EditorState } from "./editor-state";
import { tb } from "./strings";
import type { TemplateOption } from "./types";

/** The template's body with the placeholders filled in, for the preview. */
export function templatePreview(templates: TemplateOption[], s: EditorState): string {
  const t = templates.find((x) => templateKey(x.name, x.language) === s.templateKey);
  if (!t) return "";
  const keys: string[] = [];
  for (const m of t.body.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) if (!keys.includes(m[1]!)) keys.push(m[1]!);
  if (keys.every((k) => /^\d+$/.test(k))) keys.sort((a, b) => Number(a) - Number(b));
  return t.body.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, k: string) => s.parameters[keys.indexOf(k)] || whole);
}

export function TemplateFields({
  templates,
  state: s,
  set,
  onSynced,
  onError,
}: {
  templates: TemplateOption[];
  state: EditorState;
  set: (patch: Partial<EditorState>) => void;
  onSynced: (list: TemplateOption[]) => void;
  onError: (message: string) => void;
}) {
  const [syncing, setSyncing] = useState(false);
  const [synced, setSynced] = useState<number | null>(null);
  const chosen = templates.find((t) => templateKey(t.name, t.language) === s.templateKey);

  async function sync() {
    setSyncing(true);
    try {
      const r = await api<{ synced: number; templates: TemplateOption[] }>("/api/templates/sync", { method: "POST" });
      onSynced(r.templates.filter((t) => t.status === "APPROVED"));
      setSynced(r.synced);
    } catch (err) {
      onError(errorText(err));
    } finally {
      setSyncing(false);
    }
  }

  return (
    <div class="bc-template">
      {templates.length === 0 && <p class="muted">{tb("noTemplates")}</p>}
      <SelectField
        label={tb("fieldTemplate")}
        value={s.templateKey}
        onChange={(e) => {
          const key = e.currentTarget.value;
          const t = templates.find((x) => templateKey(x.name, x.language) === key);
          set({ templateKey: key, parameters: Array.from({ length: t?.parameterCount ?? 0 }, (_, i) => s.parameters[i] ?? "") });
        }}
      >
        <option value="">{tb("chooseTemplate")}</option>
        {templates.map((t) => (
          <option key={t.id} value={templateKey(t.name, t.language)}>
            {t.name} ({t.language})
          </option>
        ))}
      </SelectField>
      {chosen &&
        Array.from({ length: chosen.parameterCount }, (_, i) => (
          <TextField
            key={i}
            label={tb("parameter", { n: i + 1 })}
            value={s.parameters[i] ?? ""}
            onInput={(e) => {
              const next = [...s.parameters];
              next[i] = e.currentTarget.value;
              set({ parameters: next });
            }}
          />
        ))}
      <Button small busy={syncing} onClick={() => void sync()}>
        {tb("syncTemplates")}
      </Button>
      {synced !== null && <StatusMessage kind="ok">{tb("syncedTemplates", { n: synced })}</StatusMessage>}
    </div>
  );
}
