import { useState } from "preact/hooks";
import { t } from "../i18n";
import { isApiError } from "../lib/api";
import { login, sessionEnded } from "../lib/session";
import { Button, TextField, errorText } from "../ui";
import { LanguageSwitch } from "./LanguageSwitch";
import { tt } from "../trust/totp-strings";
import { passkeysSupported, signInWithPasskey, webauthnErrorText } from "../trust/passkey-browser";
import { tk } from "../trust/passkey-strings";

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Two-factor sign-in: the code field appears once the server answers totp_required.
  const [needTotp, setNeedTotp] = useState(false);
  const [totp, setTotp] = useState("");

  async function withPasskey() {
    setBusy(true);
    setError(null);
    try {
      await signInWithPasskey();
    } catch (err) {
      setError(isApiError(err, "unknown_passkey") ? tk("unknown") : (webauthnErrorText(err) ?? errorText(err)));
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password, needTotp ? totp.trim() : undefined);
    } catch (err) {
      if (isApiError(err) && err.code === "totp_required") {
        setNeedTotp(true);
        setError(needTotp ? tt("loginCodeHint") : null);
      } else if (isApiError(err) && err.code === "invalid_totp") {
        setError(tt("loginCodeWrong"));
        setTotp("");
      } else setError(isApiError(err) && err.status === 401 ? t("loginInvalid") : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login-page">
      <header class="login-top">
        <LanguageSwitch />
      </header>
      <main class="login-card" aria-labelledby="login-title">
        <p class="brand brand-large" aria-hidden="true">
          townwire
        </p>
        <h1 id="login-title">{t("loginTitle")}</h1>
        <p class="muted">{t("loginIntro")}</p>
        {sessionEnded.value && (
          <p class="status-msg status-info" role="status">
            {t("sessionEnded")}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <TextField label={t("email")} type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} autofocus />
          <TextField label={t("password")} type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          {needTotp && (
            <TextField
              label={tt("loginCode")}
              hint={tt("loginCodeHint")}
              name="totp"
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={32}
              required
              value={totp}
              onInput={(e) => setTotp(e.currentTarget.value)}
              autofocus
            />
          )}
          {error && (
            <p class="status-msg status-error" role="alert">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" busy={busy} class="btn-block" disabled={!email || !password || (needTotp && !totp.trim())}>
            {t("loginSubmit")}
          </Button>
        </form>
        {passkeysSupported() && (
          <div class="login-passkey">
            <p class="muted small login-or">{tk("or")}</p>
            <Button busy={busy} class="btn-block" onClick={() => void withPasskey()}>
              {tk("signIn")}
            </Button>
          </div>
        )}
      </main>
    </div>
  );
}
