// Minimal path router (History API). The Worker serves index.html for every non-API path.
import { computed, signal } from "@preact/signals";

export const path = signal(location.pathname);

export function navigate(to: string, { replace = false } = {}): void {
  if (to === path.value) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  path.value = to;
}

window.addEventListener("popstate", () => {
  path.value = location.pathname;
});

export type Route =
  | { page: "inbox"; conversationId: string | null }
  | { page: "reports" }
  | { page: "broadcasts" }
  | { page: "channels" }
  | { page: "team" }
  | { page: "trust" }
  | { page: "snippets" };

export const routes = {
  inbox: "/",
  conversation: (id: string) => `/gespraeche/${encodeURIComponent(id)}`,
  reports: "/meldungen",
  broadcasts: "/aussendungen",
  channels: "/kanaele",
  team: "/team",
  trust: "/sicherheit",
  snippets: "/textbausteine",
} as const;

export function parseRoute(p: string): Route {
  const conv = /^\/gespraeche\/([^/]+)\/?$/.exec(p);
  if (conv?.[1]) return { page: "inbox", conversationId: decodeURIComponent(conv[1]) };
  if (p.startsWith(routes.reports)) return { page: "reports" };
  if (p.startsWith(routes.broadcasts)) return { page: "broadcasts" };
  if (p.startsWith(routes.channels)) return { page: "channels" };
  if (p.startsWith(routes.team)) return { page: "team" };
  if (p.startsWith(routes.trust)) return { page: "trust" };
  if (p.startsWith(routes.snippets)) return { page: "snippets" };
  return { page: "inbox", conversationId: null };
}

export const route = computed(() => parseRoute(path.value));

/** onClick for <a href> links so they navigate without a reload (modifier clicks still open tabs). */
export function linkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.currentTarget as HTMLAnchorElement;
  if (a.target || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
