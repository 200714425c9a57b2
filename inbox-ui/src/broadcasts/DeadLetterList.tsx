// "Technische Fehler (Hintergrundaufgaben)": queue messages and single sends that failed even after
// several attempts. Not the same as a broadcast's per-recipient failures (FailureList on its page).
// Admins also see the unreadable webhook parts below (WebhookRejectList).
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick } from "../lib/router";
import { hasRole } from "../lib/session";
import { Button, StatusMessage, errorText, formatDateTime } from "../ui";
import { broadcastPaths } from "./paths";
import { tb } from "./strings";
import type { DeadLetterView } from "./types";
import { WebhookRejectList } from "./WebhookRejectList";

export function DeadLetterList() {
  const [items, setItems] = useState<DeadLetterView[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (before: number | null = null) =>
    call(client.api["dead-letters"].$get({ query: { limit: "50", ...(before ? { before: String(before) } : {}) } }))
      .then((r) => {
        setItems((prev) => (before && prev ? [...prev, ...r.deadLetters] : r.deadLetters));
        setNext(r.nextCursor);
      })
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => {
    void load();
  }, []);

  return (
    <div class="stack">
      <a href={broadcastPaths.list} onClick={linkClick}>
        {tb("back")}
      </a>
      <h1 id="broadcasts-title">{tb("deadTitle")}</h1>
      <p class="muted">{tb("deadIntro")}</p>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {items && items.length === 0 && <p class="muted">{tb("deadEmpty")}</p>}
      {items && items.length > 0 && (
        <div class="bc-table-wrap">
          <table class="bc-table">
            <thead>
              <tr>
                <th scope="col">{tb("colWhen")}</th>
                <th scope="col">{tb("colWhat")}</th>
                <th scope="col">{tb("colBroadcast")}</th>
                <th scope="col">{tb("colQueue")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td>{d.summary}</td>
                  <td>
                    {d.broadcast ? (
                      <a href={broadcastPaths.detail(d.broadcast.id)} onClick={linkClick}>
                        {d.broadcast.title}
                      </a>
                    ) : (
                      "–"
                    )}
                  </td>
                  <td class="small muted">{d.queue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && <Button onClick={() => void load(next)}>{tb("loadMore")}</Button>}
      {hasRole("admin") && <WebhookRejectList />}
    </div>
  );
}
