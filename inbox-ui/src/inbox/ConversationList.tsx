// Conversation list: filters with counts, search, unread badges, live presence, keyboard navigation
// (↑/↓/Home/End move, Enter opens) and infinite scroll by cursor.
import { useEffect, useRef } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { presence } from "../lib/room";
import { linkClick, navigate, routes } from "../lib/router";
import { currentStaff } from "../lib/session";
import type { ConversationSummary, ListFilter } from "../lib/types";
import { formatListTime } from "../ui";
import { now } from "../ui/clock";
import { Icon } from "../ui/icons";
import { citizenName, initials, reportStatusLabel } from "./labels";
import { NewMessageButton } from "../outreach/NewMessageButton";
import { counts, filter, items, listError, listLoading, loadMore, loadingMore, nextCursor, query, reloadList, setFilter, setQuery } from "./list-store";

const filters: { id: ListFilter; label: StringKey }[] = [
  { id: "open", label: "filterOpen" },
  { id: "mine", label: "filterMine" },
  { id: "unassigned", label: "filterUnassigned" },
  { id: "resolved", label: "filterResolved" },
];

function FilterBar() {
  const c = counts.value;
  return (
    <div class="filters" role="group" aria-label={t("filterLabel")}>
      {filters.map((f) => (
        <button key={f.id} type="button" class="filter" aria-pressed={filter.value === f.id} onClick={() => setFilter(f.id)}>
          {t(f.label)}
          {c && <span class="filter-count">{c[f.id]}</span>}
        </button>
      ))}
    </div>
  );
}

function Item({ c, selected, tabbable }: { c: ConversationSummary; selected: boolean; tabbable: boolean }) {
  const name = citizenName(c.citizen);
  const myId = currentStaff.value?.id;
  const others = presence.value.filter((p) => p.staffId !== myId);
  const typing = others.find((p) => p.typing === c.id);
  const viewers = others.filter((p) => p.viewing === c.id);
  const windowOpen = c.windowOpenUntil !== null && c.windowOpenUntil > now.value;
  return (
    <li class={`conv-item ${selected ? "is-selected" : ""} ${c.unreadCount > 0 ? "is-unread" : ""}`}>
      <a href={routes.conversation(c.id)} onClick={linkClick} aria-current={selected ? "true" : undefined} tabIndex={tabbable ? 0 : -1} data-conv-id={c.id}>
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <span class="conv-item-main">
          <span class="conv-item-top">
            <span class="conv-item-name">{name}</span>
            <time class="conv-item-time" dateTime={new Date(c.lastMessageAt).toISOString()}>
              {formatListTime(c.lastMessageAt, now.value)}
            </time>
          </span>
          <span class="conv-item-preview">{typing ? <em class="typing-text">{t("typingShort", { name: typing.name })}</em> : (c.lastMessagePreview ?? "")}</span>
          <span class="conv-item-tags">
            {c.assignee ? <span class="tag tag-assignee">{c.assignee.name}</span> : c.status === "open" && <span class="tag tag-free">{t("unassigned")}</span>}
            {c.status === "resolved" && <span class="tag tag-done">{t("resolvedTag")}</span>}
            {c.report && (
              <span class="tag tag-report">
                {t("reportTag")}
                {c.report.category ? `: ${c.report.category}` : ""}
                {c.report.status ? ` · ${reportStatusLabel(c.report.status)}` : ""}
              </span>
            )}
            {!windowOpen && c.status === "open" && <span class="tag tag-closed">{t("windowClosedTag")}</span>}
            {viewers.length > 0 && (
              <span class="tag tag-viewers" title={viewers.map((v) => v.name).join(", ")}>
                <Icon name="eye" />{" "}
                {t("viewedBy", { names: viewers.map((v) => v.name).join(", ") })}
              </span>
            )}
          </span>
        </span>
        {c.unreadCount > 0 && (
          <span class="badge" aria-label={t("unreadCount", { n: c.unreadCount })}>
            {c.unreadCount}
          </span>
        )}
      </a>
    </li>
  );
}

function onListKeyDown(e: KeyboardEvent) {
  const list = e.currentTarget as HTMLElement;
  const links = [...list.querySelectorAll<HTMLAnchorElement>("a[data-conv-id]")];
  if (links.length === 0) return;
  const current = links.indexOf(document.activeElement as HTMLAnchorElement);
  let next: number;
  if (e.key === "ArrowDown") next = Math.min(links.length - 1, current + 1);
  else if (e.key === "ArrowUp") next = Math.max(0, current - 1);
  else if (e.key === "Home") next = 0;
  else if (e.key === "End") next = links.length - 1;
  else if (e.key === " " && current >= 0) {
    e.preventDefault();
    const id = links[current]?.dataset.convId;
    if (id) navigate(routes.conversation(id));
    return;
  } else return;
  e.preventDefault();
  const target = links[next];
  if (!target) return;
  for (const l of links) l.tabIndex = l === target ? 0 : -1;
  target.focus();
  if (e.key === "End") void loadMore();
}

export function ConversationList({ selectedId }: { selectedId: string | null }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => entries.some((en) => en.isIntersecting) && void loadMore(), { root: scroller.current, rootMargin: "200px" });
    io.observe(el);
    return () => io.disconnect();
  }, []);

  const list = items.value;
  const selectedIndex = list.findIndex((c) => c.id === selectedId);
  const tabbableIndex = selectedIndex >= 0 ? selectedIndex : 0;
  const q = query.value.trim();

  return (
    <aside class="list-pane" aria-labelledby="inbox-title">
      <div class="list-head">
        <h1 id="inbox-title">{t("navInbox")}</h1>
        <NewMessageButton />
        <div role="search" class="search">
          <label for="conv-search" class="visually-hidden">
            {t("searchLabel")}
          </label>
          <input id="conv-search" type="search" placeholder={t("searchPlaceholder")} value={query.value} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
        </div>
        <FilterBar />
      </div>
      <div class="list-scroll" ref={scroller}>
        {listError.value && (
          <div class="status-msg status-error" role="alert">
            {listError.value}{" "}
            <button type="button" class="link-btn" onClick={() => void reloadList()}>
              {t("retry")}
            </button>
          </div>
        )}
        <ul class="conv-list" aria-label={t("conversationsLabel")} aria-busy={listLoading.value ? "true" : undefined} onKeyDown={onListKeyDown}>
          {list.map((c, i) => (
            <Item key={c.id} c={c} selected={c.id === selectedId} tabbable={i === tabbableIndex} />
          ))}
        </ul>
        {!listLoading.value && list.length === 0 && !listError.value && <p class="list-empty">{q ? t("noSearchResults", { q }) : t("noConversations")}</p>}
        <div ref={sentinel} class="list-sentinel">
          {nextCursor.value && (
            <button type="button" class="btn btn-ghost btn-small" onClick={() => void loadMore()} disabled={loadingMore.value}>
              {t("loadMore")}
            </button>
          )}
        </div>
      </div>
    </aside>
  );
}
