// After STOP, staff may subscribe a person again only on the person's own new request: when it was
// made and how (kept in the consent log). The API refuses without it (409 citizen_stopped).
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { Button, Dialog, StatusMessage, TextArea, TextField } from "../ui";
import { to } from "./strings";

/** "2026-11-29T14:05" in local time, for <input type="datetime-local">. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export type { CitizenRequest } from "../../../worker/citizens/resubscribe";
import type { CitizenRequest } from "../../../worker/citizens/resubscribe";

export function ResubscribeDialog({ open, channel, error, busy, onCancel, onConfirm }: { open: boolean; channel: string; error: string | null; busy: boolean; onCancel: () => void; onConfirm: (r: CitizenRequest) => void }) {
  const [when, setWhen] = useState(() => localInput(Date.now()));
  const [reason, setReason] = useState("");
  useEffect(() => {
    if (open) {
      setWhen(localInput(Date.now()));
      setReason("");
    }
  }, [open]);
  const at = new Date(when).getTime();
  const ready = reason.trim().length >= 5 && Number.isFinite(at);
  return (
    <Dialog
      open={open}
      title={to("resubscribeTitle")}
      onClose={onCancel}
      footer={
        <>
          <Button onClick={onCancel}>{t("cancel")}</Button>
          <Button variant="primary" busy={busy} disabled={!ready} onClick={() => onConfirm({ reason: reason.trim(), citizenRequestedAt: at })}>
            {to("resubscribeConfirm")}
          </Button>
        </>
      }
    >
      <p>{to("resubscribeIntro")}</p>
      <p>
        <strong>{channel}</strong>
      </p>
      <TextField label={to("resubscribeWhen")} type="datetime-local" value={when} max={localInput(Date.now() + 60_000)} onInput={(e) => setWhen(e.currentTarget.value)} />
      <TextArea label={to("resubscribeReason")} hint={to("resubscribeReasonHint")} rows={3} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
    </Dialog>
  );
}
