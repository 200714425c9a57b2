// The town's message templates, kept current: loaded once, then every `template.updated` from the
// room (Meta's review, a category change, a submission by a colleague) replaces its entry, and a
// reconnect reloads the list so nothing missed while offline stays missing.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { onRoomReconnect, subscribeRoom } from "../lib/room";
import { errorText } from "../ui";
import type { TemplateListItem } from "../../../worker/shared/wire-types";

const sameTemplate = (a: TemplateListItem, b: TemplateListItem) => a.id === b.id || (a.name === b.name && a.language === b.language);

/** Inserts or replaces one template, keeping the list sorted by name and language. */
export function upsertTemplate(list: TemplateListItem[], t: TemplateListItem): TemplateListItem[] {
  const rest = list.filter((x) => !sameTemplate(x, t));
  return [...rest, t].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
}

export function useTemplates(): {
  templates: TemplateListItem[] | null;
  error: string | null;
  reload: () => void;
  replace: (list: TemplateListItem[]) => void;
  upsert: (t: TemplateListItem) => void;
} {
  const [templates, setTemplates] = useState<TemplateListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => {
    call(client.api.templates.$get({ query: {} }))
      .then((r) => {
        setTemplates(r.templates);
        setError(null);
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  useEffect(() => {
    reload();
    const off = subscribeRoom((e) => {
      if (e.type === "template.updated") setTemplates((prev) => upsertTemplate(prev ?? [], e.template));
    });
    const offReconnect = onRoomReconnect(reload);
    return () => {
      off();
      offReconnect();
    };
  }, []);
  return {
    templates,
    error,
    reload,
    replace: setTemplates,
    upsert: (t) => setTemplates((prev) => upsertTemplate(prev ?? [], t)),
  };
}
