// "Unlesbare Webhook-Teile" (admins only, GET /api/webhook-rejects): parts of WhatsApp webhooks that
// could not be read, kept raw for inspection while the valid rest of each delivery was stored.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Button, StatusMessage, errorText, formatDateTime } from "../ui";
import { tb } from "./strings";
import type { WebhookRejectView } from "./types";

/** Indented when it is whole JSON; a part cut at 8 KB is shown as stored. */
function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export function WebhookRejectList() {
  const [items, setItems] = useState<WebhookRejectView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (cursor: string | null = null) =>
    call(client.api["webhook-rejects"].$get({ query: { limit: "50", ...(cursor ? { cursor } : {}) } }))
      .then((r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.rejects] : r.rejects));
        setNext(r.nextCursor);
      })
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => {
    void load();
  }, []);

  return (
    <section class="stack wr-section" aria-labelledby="webhook-rejects-title">
      <h2 id="webhook-rejects-title">{tb("rejectsTitle")}</h2>
      <p class="muted">{tb("rejectsIntro")}</p>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {items && items.length === 0 && <p class="muted">{tb("rejectsEmpty")}</p>}
      {items && items.length > 0 && (
        <ul class="wr-list">
          {items.map((r) => (
            <li key={r.id} class="wr-item">
              <dl class="wr-facts">
                <dt>{tb("colWhen")}</dt>
                <dd>{formatDateTime(r.createdAt)}</dd>
                <dt>{tb("rejectsWhere")}</dt>
                <dd>
                  <code class="wr-path">{r.path || "–"}</code>
                </dd>
                <dt>{tb("colReason")}</dt>
                <dd class="wr-reason">{r.reason}</dd>
              </dl>
              <details class="wr-raw">
                <summary>{tb("rejectsRaw")}</summary>
                <pre tabIndex={0}>{pretty(r.raw)}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      {next && <Button onClick={() => void load(next)}>{tb("loadMore")}</Button>}
    </section>
  );
}
