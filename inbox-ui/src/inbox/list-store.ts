// The conversation list: filter, search, cursor pages, counts, and local updates from live events.
import { signal } from "@preact/signals";
import { call } from "../lib/api";
import { client } from "../lib/client";
import type { ConversationListResponse, ConversationSummary, ListFilter } from "../lib/types";
import { errorText } from "../ui/errors";

export const filter = signal<ListFilter>("open");
export const query = signal("");
export const items = signal<ConversationSummary[]>([]);
export const counts = signal<Record<ListFilter, number> | null>(null);
export const nextCursor = signal<string | null>(null);
export const listLoading = signal(false);
export const listError = signal<string | null>(null);
export const loadingMore = signal(false);

let myId: string | null = null;
let listSeq = 0;
let headTimer: ReturnType<typeof setTimeout> | undefined;

export function setListOwner(staffId: string): void {
  myId = staffId;
}

function fetchList(cursor?: string | null): Promise<ConversationListResponse> {
  const q = query.value.trim();
  return call(client.api.conversations.$get({ query: { status: filter.value, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } }));
}

/** Whether a conversation belongs in the current filter (mirrors the server's rules). */
export function matchesFilter(c: Pick<ConversationSummary, "status" | "assignee">, f: ListFilter = filter.value): boolean {
  if (f === "resolved") return c.status === "resolved";
  if (c.status !== "open") return false;
  if (f === "mine") return c.assignee?.id === myId;
  if (f === "unassigned") return c.assignee === null;
  return true;
}

const newestFirst = (a: ConversationSummary, b: ConversationSummary) => b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? 1 : -1);

/** Loads the first page again (filter or search changed, or catching up after a reconnect). */
export async function reloadList(): Promise<void> {
  const seq = ++listSeq;
  listLoading.value = true;
  listError.value = null;
  try {
    const res = await fetchList();
    if (seq !== listSeq) return;
    items.value = res.conversations;
    nextCursor.value = res.nextCursor;
    counts.value = res.counts;
  } catch (err) {
    if (seq === listSeq) listError.value = errorText(err);
  } finally {
    if (seq === listSeq) listLoading.value = false;
  }
}

/** Infinite scroll: the next page after the cursor. */
export async function loadMore(): Promise<void> {
  const cursor = nextCursor.value;
  if (!cursor || loadingMore.value) return;
  const seq = listSeq;
  loadingMore.value = true;
  try {
    const res = await fetchList(cursor);
    if (seq !== listSeq) return;
    const known = new Set(items.value.map((c) => c.id));
    items.value = [...items.value, ...res.conversations.filter((c) => !known.has(c.id))];
    nextCursor.value = res.nextCursor;
    counts.value = res.counts;
  } catch (err) {
    if (seq === listSeq) listError.value = errorText(err);
  } finally {
    loadingMore.value = false;
  }
}

/** Fetches the first page and merges it in, keeping pages loaded further down (after live changes). */
async function refreshHead(): Promise<void> {
  const seq = listSeq;
  try {
    const res = await fetchList();
    if (seq !== listSeq) return;
    const head = new Map(res.conversations.map((c) => [c.id, c]));
    const rest = items.value.filter((c) => !head.has(c.id) && matchesFilter(c));
    items.value = [...res.conversations, ...rest].sort(newestFirst);
    if (nextCursor.value === null && rest.length === 0) nextCursor.value = res.nextCursor;
    counts.value = res.counts;
  } catch {
    /* the next event or the reconnect catch-up tries again */
  }
}

export function scheduleHeadRefresh(delay = 300): void {
  clearTimeout(headTimer);
  headTimer = setTimeout(() => void refreshHead(), delay);
}

/** Applies a change to one conversation in the list; drops it if it no longer fits the filter. */
export function patchItem(id: string, fn: (c: ConversationSummary) => ConversationSummary): boolean {
  let found = false;
  const next: ConversationSummary[] = [];
  for (const c of items.value) {
    if (c.id !== id) {
      next.push(c);
      continue;
    }
    found = true;
    const changed = fn(c);
    if (matchesFilter(changed)) next.push(changed);
  }
  if (found) items.value = next.sort(newestFirst);
  return found;
}

export function setFilter(f: ListFilter): void {
  if (filter.value === f) return;
  filter.value = f;
  void reloadList();
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
export function setQuery(q: string): void {
  query.value = q;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => void reloadList(), 250);
}
