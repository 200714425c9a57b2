// Addresses inside "Aussendungen" (the shell routes everything under /aussendungen here).
import { computed } from "@preact/signals";
import { path } from "../lib/router";

const BASE = "/aussendungen";

export const broadcastPaths = {
  list: BASE,
  create: `${BASE}/neu`,
  deadLetters: `${BASE}/technische-fehler`,
  templates: `${BASE}/vorlagen`,
  templateNew: `${BASE}/vorlagen/neu`,
  detail: (id: string) => `${BASE}/${encodeURIComponent(id)}`,
  edit: (id: string) => `${BASE}/${encodeURIComponent(id)}/bearbeiten`,
};

export type BroadcastScreen =
  | { view: "list" }
  | { view: "create" }
  | { view: "deadLetters" }
  | { view: "templates" }
  | { view: "templateNew" }
  | { view: "detail"; id: string }
  | { view: "edit"; id: string };

export function parseBroadcastPath(p: string): BroadcastScreen {
  const rest = p.slice(BASE.length).replace(/\/+$/, "");
  if (rest === "" || rest === "/") return { view: "list" };
  if (rest === "/neu") return { view: "create" };
  // "/fehlerliste" was the old address of the technical error list; old bookmarks keep working.
  if (rest === "/technische-fehler" || rest === "/fehlerliste") return { view: "deadLetters" };
  if (rest === "/vorlagen") return { view: "templates" };
  if (rest === "/vorlagen/neu") return { view: "templateNew" };
  const edit = /^\/([^/]+)\/bearbeiten$/.exec(rest);
  if (edit?.[1]) return { view: "edit", id: decodeURIComponent(edit[1]) };
  const detail = /^\/([^/]+)$/.exec(rest);
  if (detail?.[1]) return { view: "detail", id: decodeURIComponent(detail[1]) };
  return { view: "list" };
}

export const broadcastScreen = computed(() => parseBroadcastPath(path.value));
