// "/" in the reply box: a list of Textbausteine filtered by what follows the slash. The textarea
// keeps the focus; ↑/↓ move, Enter inserts, Esc closes (aria-activedescendant points at the choice).
import { matchesSnippet, type Snippet } from "./snippet-fill";
import { snippets, snippetsError } from "./snippets-store";
import { to } from "./strings";

/** The "/query" right before the caret (at the start or after a space), or null. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export function visibleSnippets(query: string): Snippet[] {
  return (snippets.value ?? []).filter((s) => matchesSnippet(s, query)).slice(0, 8);
}

export function SnippetMenu({ id, query, active, onPick, manageHref }: { id: string; query: string; active: number; onPick: (s: Snippet) => void; manageHref: string | null }) {
  const list = visibleSnippets(query);
  return (
    <div class="snippet-menu" role="presentation">
      <p class="snippet-menu-head small muted" id={`${id}-hint`}>
        {to("snippets")} · {to("snippetMenuHint")}
      </p>
      {snippetsError.value ? (
        <p class="status-msg status-error">{snippetsError.value}</p>
      ) : snippets.value === null ? (
        <p class="small muted">{to("loading")}</p>
      ) : list.length === 0 ? (
        <p class="small muted">{snippets.value.length ? to("snippetNone") : to("snippetNoneYet")}</p>
      ) : (
        <ul role="listbox" id={id} aria-label={to("snippets")}>
          {list.map((s, i) => (
            <li
              key={s.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? "is-active" : ""}
              // mousedown, not click: the textarea must not lose its caret first.
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(s);
              }}
            >
              <strong>{s.title}</strong>
              <span class="snippet-menu-body">{s.body}</span>
            </li>
          ))}
        </ul>
      )}
      {manageHref && (
        <a class="small" href={manageHref}>
          {to("manageSnippets")}
        </a>
      )}
    </div>
  );
}
