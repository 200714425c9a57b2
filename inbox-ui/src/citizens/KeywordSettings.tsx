// Admins: the WhatsApp command keywords (ANMELDEN, STOP, KANÄLE, HILFE and their English words).
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Button, StatusMessage, TextField, errorText } from "../ui";
import { tc, type CitizenStringKey } from "./strings";
import type { KeywordCommand, KeywordConfig } from "./types";

const COMMANDS: { id: KeywordCommand; label: CitizenStringKey }[] = [
  { id: "subscribe", label: "kwSubscribe" },
  { id: "unsubscribe", label: "kwUnsubscribe" },
  { id: "menu", label: "kwMenu" },
  { id: "help", label: "kwHelp" },
];

type Draft = Record<KeywordCommand, { de: string; en: string }>;

const toDraft = (k: KeywordConfig): Draft =>
  Object.fromEntries(COMMANDS.map(({ id }) => [id, { de: k[id].de.join(", "), en: k[id].en.join(", ") }])) as Draft;
const words = (s: string) => s.split(",").map((w) => w.trim()).filter(Boolean);

export function KeywordSettings() {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [defaults, setDefaults] = useState<KeywordConfig | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    call(client.api.keywords.$get())
      .then((r) => {
        setDraft(toDraft(r.keywords));
        setDefaults(r.defaults);
      })
      .catch((err: unknown) => setMsg({ ok: false, text: errorText(err) }));
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setMsg(null);
    const d = draft;
    const entry = (id: KeywordCommand) => ({ de: words(d[id].de), en: words(d[id].en) });
    const body: KeywordConfig = { subscribe: entry("subscribe"), unsubscribe: entry("unsubscribe"), menu: entry("menu"), help: entry("help") };
    try {
      const res = await call(client.api.keywords.$put({ json: body }));
      setDraft(toDraft(res.keywords));
      setMsg({ ok: true, text: tc("keywordsSaved") });
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const set = (id: KeywordCommand, lang: "de" | "en", value: string) =>
    setDraft((d) => (d ? { ...d, [id]: { ...d[id], [lang]: value } } : d));

  return (
    <section class="cz-card" aria-labelledby="keywords-title">
      <h2 id="keywords-title">{tc("keywordsTitle")}</h2>
      <p class="muted">{tc("keywordsIntro")}</p>
      {draft && (
        <form onSubmit={submit}>
          <div class="cz-kw-grid">
            {COMMANDS.map(({ id, label }) => (
              <div key={id}>
                <TextField label={tc("kwGerman", { what: tc(label) })} value={draft[id].de} required onInput={(e) => set(id, "de", e.currentTarget.value)} autocomplete="off" />
                <TextField label={tc("kwEnglish", { what: tc(label) })} value={draft[id].en} onInput={(e) => set(id, "en", e.currentTarget.value)} autocomplete="off" />
              </div>
            ))}
          </div>
          {msg && <StatusMessage kind={msg.ok ? "ok" : "error"}>{msg.text}</StatusMessage>}
          <div class="cz-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {tc("save")}
            </Button>
            {defaults && (
              <Button variant="ghost" onClick={() => setDraft(toDraft(defaults))}>
                {tc("keywordsReset")}
              </Button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
