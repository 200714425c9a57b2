// The admins' trust settings: four eyes (thresholds per kind), required two-factor sign-in, audit retention.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { Button, StatusMessage, TextField, errorText, useAction } from "../ui";
import { tr } from "./trust-strings";

export type TrustSettings = Ok<typeof client.api.settings.trust.$get>["settings"];

export function TrustSettingsCard() {
  const [s, setS] = useState<TrustSettings | null>(null);
  const { busy, error, info, setError, setInfo, run } = useAction();

  useEffect(() => {
    call(client.api.settings.trust.$get())
      .then((r) => setS(r.settings))
      .catch((err: unknown) => setError(errorText(err)));
  }, []);

  function save(e: Event) {
    e.preventDefault();
    if (!s) return;
    void run(async () => {
      const r = await call(client.api.settings.trust.$put({ json: s }));
      setS(r.settings);
      setInfo(tr("saved"));
    });
  }

  if (!s) return error ? <StatusMessage kind="error">{error}</StatusMessage> : <div aria-busy="true" />;
  const num = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));
  return (
    <section class="bc-card" aria-labelledby="trust-settings-title">
      <h2 id="trust-settings-title">{tr("settingsTitle")}</h2>
      <form class="stack" onSubmit={save} noValidate>
        <label class="check">
          <input type="checkbox" checked={s.fourEyes.enabled} onChange={(e) => setS({ ...s, fourEyes: { ...s.fourEyes, enabled: e.currentTarget.checked } })} />{" "}
          {tr("fourEyes")}
        </label>
        <p class="muted small">{tr("fourEyesHint")}</p>
        {s.fourEyes.enabled && (
          <div class="trust-thresholds">
            <TextField
              label={tr("alertThreshold")}
              hint={tr("thresholdHint")}
              type="number"
              min={0}
              value={Number.isNaN(s.fourEyes.alertThreshold) ? "" : String(s.fourEyes.alertThreshold)}
              onInput={(e) => setS({ ...s, fourEyes: { ...s.fourEyes, alertThreshold: num(e.currentTarget.value) } })}
            />
            <TextField
              label={tr("newsletterThreshold")}
              type="number"
              min={0}
              value={Number.isNaN(s.fourEyes.newsletterThreshold) ? "" : String(s.fourEyes.newsletterThreshold)}
              onInput={(e) => setS({ ...s, fourEyes: { ...s.fourEyes, newsletterThreshold: num(e.currentTarget.value) } })}
            />
          </div>
        )}
        <label class="check">
          <input type="checkbox" checked={s.requireTotp} onChange={(e) => setS({ ...s, requireTotp: e.currentTarget.checked })} /> {tr("requireTotp")}
        </label>
        <p class="muted small">{tr("requireTotpHint")}</p>
        <TextField
          label={tr("retention")}
          hint={tr("retentionHint")}
          type="number"
          min={30}
          value={Number.isNaN(s.auditRetentionDays) ? "" : String(s.auditRetentionDays)}
          onInput={(e) => setS({ ...s, auditRetentionDays: num(e.currentTarget.value) })}
        />
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        {info && <StatusMessage kind="ok">{info}</StatusMessage>}
        <Button type="submit" variant="primary" busy={busy}>
          {tr("save")}
        </Button>
      </form>
    </section>
  );
}
