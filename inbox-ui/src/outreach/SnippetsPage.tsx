// Textbausteine verwalten: editors and admins add, change and delete the team's shared answers.
// The shell lazy-loads this module and uses the named export `SnippetsPage`.
import { useEffect, useState } from "preact/hooks";
import { hasRole } from "../lib/session";
import { Button, ConfirmDialog, StatusMessage, TextArea, TextField, errorText, formatDateTime } from "../ui";
import { CharCounter, charCount, WHATSAPP_TEXT_LIMIT } from "./CharCounter";
import { matchesSnippet, type Snippet } from "./snippet-fill";
import { loadSnippets, removeSnippet, saveSnippet, snippets, snippetsError } from "./snippets-store";
import { to } from "./strings";
import "./outreach.css";

function Editor({ snippet, onDone }: { snippet: Snippet | null; onDone: (msg: string) => void }) {
  const [title, setTitle] = useState(snippet?.title ?? "");
  const [body, setBody] = useState(snippet?.body ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await saveSnippet(snippet?.id ?? null, { title, body });
      onDone(to("snippetSaved"));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="snippet-editor card" onSubmit={submit}>
      <h2>{snippet ? to("snippetEdit") : to("snippetNew")}</h2>
      <TextField label={to("snippetTitle")} hint={to("snippetTitleHint")} value={title} maxLength={80} required onInput={(e) => setTitle(e.currentTarget.value)} />
      <TextArea label={to("snippetBody")} rows={6} value={body} required onInput={(e) => setBody(e.currentTarget.value)} />
      <CharCounter text={body} max={WHATSAPP_TEXT_LIMIT} />
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      <div class="form-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={charCount(body) > WHATSAPP_TEXT_LIMIT}>
          {to("snippetSave")}
        </Button>
      </div>
    </form>
  );
}

export function SnippetsPage() {
  const [editing, setEditing] = useState<Snippet | "new" | null>(null);
  const [deleting, setDeleting] = useState<Snippet | null>(null);
  const [query, setQuery] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mayEdit = hasRole("editor");
  useEffect(() => void loadSnippets(), []);
  const list = (snippets.value ?? []).filter((s) => matchesSnippet(s, query));

  async function confirmDelete() {
    if (!deleting) return;
    setError(null);
    try {
      await removeSnippet(deleting.id);
      setNotice(to("snippetDeleted"));
    } catch (err) {
      setError(errorText(err));
    }
    setDeleting(null);
  }

  return (
    <section class="page-pad snippets-page" aria-labelledby="snippets-title">
      <div class="page-head">
        <h1 id="snippets-title">{to("snippets")}</h1>
        {mayEdit && (
          <Button variant="primary" onClick={() => { setEditing("new"); setNotice(null); }}>
            {to("snippetNew")}
          </Button>
        )}
      </div>
      <p class="muted">{to("snippetsIntro")}</p>
      {!mayEdit && <p class="muted">{to("snippetReadOnly")}</p>}
      {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
      {(error ?? snippetsError.value) && <StatusMessage kind="error">{error ?? snippetsError.value}</StatusMessage>}
      {editing && (
        <Editor
          key={editing === "new" ? "new" : editing.id}
          snippet={editing === "new" ? null : editing}
          onDone={(msg) => {
            setEditing(null);
            setNotice(msg);
          }}
        />
      )}
      <TextField label={to("snippetSearch")} type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      {snippets.value === null ? (
        <p class="muted">{to("loading")}</p>
      ) : list.length === 0 ? (
        <p class="muted">{snippets.value.length ? to("snippetNone") : to("snippetNoneYet")}</p>
      ) : (
        <ul class="snippet-list">
          {list.map((s) => (
            <li key={s.id} class="card">
              <h2 class="snippet-title">{s.title}</h2>
              <p class="snippet-body">{s.body}</p>
              <p class="small muted">{to("snippetChangedBy", { name: s.updatedByName ?? "—", when: formatDateTime(s.updatedAt) })}</p>
              {mayEdit && (
                <div class="form-actions">
                  <Button small onClick={() => { setEditing(s); setNotice(null); }}>
                    {to("snippetEdit")}
                  </Button>
                  <Button small variant="danger" onClick={() => setDeleting(s)}>
                    {to("snippetDelete")}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={!!deleting}
        title={to("snippetDelete")}
        message={to("snippetDeleteConfirm", { title: deleting?.title ?? "" })}
        confirmLabel={to("snippetDelete")}
        danger
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
      />
    </section>
  );
}
