// "Passwort ändern" for every signed-in staff member (POST /api/auth/password). The other devices
// are signed out by the server; this one stays signed in.
import { useState } from "preact/hooks";
import { defineStrings, t } from "../i18n";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Button, Dialog, StatusMessage, TextField, errorText } from "../ui";

/** Same rule as the server (worker/auth/passwords.ts MIN_PASSWORD_LENGTH). */
const MIN_LENGTH = 10;

const de = {
  open: "Passwort ändern",
  title: "Passwort ändern",
  current: "Aktuelles Passwort",
  next: "Neues Passwort",
  nextHint: "Mindestens {n} Zeichen.",
  repeat: "Neues Passwort wiederholen",
  tooShort: "Das neue Passwort braucht mindestens {n} Zeichen.",
  mismatch: "Die beiden neuen Passwörter stimmen nicht überein.",
  same: "Das neue Passwort muss sich vom aktuellen unterscheiden.",
  done: "Das Passwort wurde geändert. Auf anderen Geräten sind Sie jetzt abgemeldet.",
} as const;
const en: Record<keyof typeof de, string> = {
  open: "Change password",
  title: "Change password",
  current: "Current password",
  next: "New password",
  nextHint: "At least {n} characters.",
  repeat: "Repeat new password",
  tooShort: "The new password needs at least {n} characters.",
  mismatch: "The two new passwords do not match.",
  same: "The new password must differ from the current one.",
  done: "Your password was changed. You are now signed out on other devices.",
};
export const tpw = defineStrings<keyof typeof de>({ de, en });

export function PasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: "current" | "next" | "repeat"; text: string } | null>(null);
  const [done, setDone] = useState(false);

  function close() {
    setCurrent("");
    setNext("");
    setRepeat("");
    setError(null);
    setDone(false);
    onClose();
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (next.length < MIN_LENGTH) return setError({ field: "next", text: tpw("tooShort", { n: MIN_LENGTH }) });
    if (next === current) return setError({ field: "next", text: tpw("same") });
    if (next !== repeat) return setError({ field: "repeat", text: tpw("mismatch") });
    setBusy(true);
    setError(null);
    try {
      await call(client.api.auth.password.$post({ json: { currentPassword: current, newPassword: next } }));
      setDone(true);
    } catch (err) {
      setError({ field: "current", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const errorOf = (field: "current" | "next" | "repeat") => (error?.field === field ? error.text : null);
  return (
    <Dialog open={open} title={tpw("title")} onClose={close}>
      {done ? (
        <div class="stack">
          <StatusMessage kind="ok">{tpw("done")}</StatusMessage>
          <div class="dialog-actions">
            <Button variant="primary" onClick={close} autofocus>
              {t("close")}
            </Button>
          </div>
        </div>
      ) : (
        <form class="stack" onSubmit={submit} noValidate>
          <TextField label={tpw("current")} type="password" autocomplete="current-password" required value={current} error={errorOf("current")} onInput={(e) => setCurrent(e.currentTarget.value)} />
          <TextField label={tpw("next")} hint={tpw("nextHint", { n: MIN_LENGTH })} type="password" autocomplete="new-password" required minLength={MIN_LENGTH} maxLength={200} value={next} error={errorOf("next")} onInput={(e) => setNext(e.currentTarget.value)} />
          <TextField label={tpw("repeat")} type="password" autocomplete="new-password" required value={repeat} error={errorOf("repeat")} onInput={(e) => setRepeat(e.currentTarget.value)} />
          <div class="dialog-actions">
            <Button onClick={close}>{t("cancel")}</Button>
            <Button type="submit" variant="primary" busy={busy}>
              {t("save")}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
