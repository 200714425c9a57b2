// Under a scheduled status notification: "Bürger:in wird benachrichtigt" with a countdown and
// "Rückgängig" until it goes out; a late undo gets the API's German answer.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import type { MessageView } from "../lib/types";
import { errorText } from "../ui";
import { patchMessage } from "../inbox/conversation-store";
import { to } from "./strings";
import "./outreach.css";

export function UndoNotice({ m }: { m: MessageView }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A one-second tick for the countdown, only while the message waits.
  const [tick, setTick] = useState(Date.now());
  const waiting = m.status === "scheduled" && !!m.undoUntil;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setTick(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waiting]);
  if (!waiting || !m.undoUntil) return null;
  const left = Math.max(0, Math.ceil((m.undoUntil - tick) / 1000));
  async function undo() {
    setBusy(true);
    setError(null);
    try {
      const res = await call(client.api.conversations[":id"].messages[":messageId"].cancel.$post({ param: { id: m.conversationId, messageId: m.id } }));
      patchMessage(m.conversationId, m.id, (x) => ({ ...x, status: res.message.status }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="undo-bar" role="status">
      <strong>{to("willNotify")}</strong>
      {left > 0 && (
        <>
          <span class="small muted">{to("undoSeconds", { n: left })}</span>
          <button type="button" class="btn btn-secondary btn-small" disabled={busy} onClick={() => void undo()}>
            {to("undo")}
          </button>
        </>
      )}
      {error && <span class="status-msg status-error small" role="alert">{error}</span>}
    </div>
  );
}
