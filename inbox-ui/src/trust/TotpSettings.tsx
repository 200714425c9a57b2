// Own two-factor sign-in: set up (QR code + first code), the recovery codes shown once, and turning
// it off with password and code. Used in a dialog from the top bar and as the screen that comes
// first when the town requires it (`required`).
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { Button, StatusMessage, TextField, errorText, formatNumber, useAction } from "../ui";
import { QrCode } from "./QrCode";
import { tt } from "./totp-strings";

const totp = client.api.auth.totp;
type Setup = Ok<typeof totp.setup.$post>;

export function TotpSettings({ required = false, onEnabled }: { required?: boolean; onEnabled?: () => void }) {
  const [state, setState] = useState<Ok<typeof totp.$get> | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, info, setError, setInfo, run } = useAction();

  const load = () =>
    call(totp.$get())
      .then(setState)
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), []);


  const start = () => run(async () => setSetup(await call(totp.setup.$post())));
  const enable = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const r = await call(totp.enable.$post({ json: { code: code.trim() } }));
      setCodes(r.recoveryCodes);
      setSetup(null);
      setCode("");
      await load();
    });
  };
  const disable = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call(totp.disable.$post({ json: { password, code: code.trim() } }));
      setPassword("");
      setCode("");
      setInfo(tt("disabled"));
      await load();
    });
  };

  if (codes) {
    return (
      <div class="stack totp" data-testid="recovery-codes">
        <h2>{tt("codesTitle")}</h2>
        <p>{tt("codesIntro")}</p>
        <ol class="recovery-codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <Button variant="primary" onClick={() => (setCodes(null), onEnabled?.())}>
          {tt("codesDone")}
        </Button>
      </div>
    );
  }

  return (
    <div class="stack totp">
      {required && <p>{tt("requiredIntro")}</p>}
      <p class="muted">{tt("intro")}</p>
      {state && !setup && <p role="status">{state.enabled ? tt("statusOn", { n: formatNumber(state.recoveryCodesLeft) }) : tt("statusOff")}</p>}
      {info && <StatusMessage kind="ok">{info}</StatusMessage>}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {state && !state.enabled && !setup && (
        <Button variant="primary" busy={busy} onClick={() => void start()}>
          {tt("start")}
        </Button>
      )}
      {setup && (
        <form onSubmit={enable} class="stack" noValidate>
          <p>{tt("step1")}</p>
          <QrCode value={setup.otpauthUrl} label={tt("qrLabel")} />
          <p class="small">
            {tt("manual")} <code class="totp-secret" data-testid="totp-secret">{setup.secret}</code>
          </p>
          <p>{tt("step2")}</p>
          <TextField label={tt("code")} name="totp-code" inputMode="numeric" autocomplete="one-time-code" maxLength={6} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          <Button type="submit" variant="primary" busy={busy} disabled={code.trim().length < 6}>
            {tt("enable")}
          </Button>
        </form>
      )}
      {state?.enabled && (
        <form onSubmit={disable} class="stack" noValidate>
          <h3>{tt("disableTitle")}</h3>
          <TextField label={tt("password")} type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          <TextField label={tt("codeOrRecovery")} autocomplete="one-time-code" maxLength={32} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          <Button type="submit" variant="danger" busy={busy} disabled={!password || !code.trim()}>
            {tt("disable")}
          </Button>
        </form>
      )}
    </div>
  );
}
