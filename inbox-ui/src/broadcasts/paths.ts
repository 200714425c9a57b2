// Addresses inside "Aussendungen" (the shell routes everything under /aussendungen here).
import { computed } from "@preact/signals";
import { path } from "../lib/router";

const BASE = "/aussendungen";

export const broadcastPaths = {
  list: BASE,
  create: `${BASE}/neu`,
  deadLetters: `${BASE}/fehlerliste`,
  detail: (id: string) => `${BASE}/${encodeURIComponent(id)}`,
  edit: (id: string) => `${BASE}/${encodeURIComponent(id)}/bearbeiten`,
};

export type BroadcastScreen =
  | { view: "list" }
  | { view: "create" }
  | { view: "deadLetters" }
  | { view: "detail"; id: string }
  | { view: "edit"; id: string };

export function parseBroadcastPath(p: string): BroadcastScreen {
  const rest = p.slice(BASE.length).replace(/\/+$/, "");
  if (rest === "" || rest === "/") return { view: "list" };
  if (rest === "/neu") return { view: "create" };
  if (rest === "/fehlerliste") return { view: "deadLetters" };
  const edit = /^\/([^/]+)\/bearbeiten$/.exec(rest);
  if (edit?.[1]) return { view: "edit", id: decodeURIComponent(edit[1]) };
  const detail = /^\/([^/]+)$/.exec(rest);
  if (detail?.[1]) return { view: "detail", id: decodeURIComponent(detail[1]) };
  return { view: "list" };
}

export const broadcastScreen = computed(() => parseBroadcastPath(path.value));
