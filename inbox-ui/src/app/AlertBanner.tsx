// The red banner at the top of every page for admins: problems only an admin can fix.
import { useEffect, useState } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { errorText } from "../ui";
import { acknowledgeAlert, adminAlerts, watchAdminAlerts, type AlertEntry } from "./admin-alerts";

/** Our own wording for known kinds (so English is English); unknown kinds show the server's text. */
const kindText: Record<string, StringKey> = { whatsapp_token: "alertWhatsappToken" };

function AlertItem({ alert }: { alert: AlertEntry }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = kindText[alert.kind];
  const textId = `admin-alert-${alert.kind}`;
  const done = async () => {
    setBusy(true);
    setError(null);
    try {
      await acknowledgeAlert(alert.kind);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <div class="admin-alert" role="alert" data-kind={alert.kind}>
      <p id={textId} class="admin-alert-text">
        <strong>{t("alertTitle")}</strong> {key ? t(key) : alert.message}
        {error && <span class="admin-alert-error"> {error}</span>}
      </p>
      <button type="button" class="btn btn-small admin-alert-done" onClick={() => void done()} disabled={busy} aria-describedby={textId}>
        {t("alertDone")}
      </button>
    </div>
  );
}

export function AlertBanner() {
  useEffect(() => watchAdminAlerts(), []);
  const alerts = adminAlerts.value;
  if (alerts.length === 0) return null;
  return (
    <section class="admin-alerts" aria-label={t("alertsRegion")}>
      {alerts.map((a) => (
        <AlertItem key={a.kind} alert={a} />
      ))}
    </section>
  );
}
