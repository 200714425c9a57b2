// "Sicherheit" (admins): trust settings, who uses two-factor sign-in (with a reset for a lost phone),
// and the audit trail. The shell lazy-loads this module and uses the named export `TrustPage`.
import { useEffect, useState } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import type { Staff } from "../lib/types";
import { Button, ConfirmDialog, StatusMessage, errorText } from "../ui";
import "../broadcasts/broadcasts.css";
import { AuditLog } from "./AuditLog";
import { tt } from "./totp-strings";
import { tr } from "./trust-strings";
import { TrustSettingsCard } from "./TrustSettingsCard";

type StaffWithTotp = Ok<typeof client.api.staff.$get>["staff"][number];
const roleLabel: Record<Staff["role"], StringKey> = { admin: "roleAdmin", editor: "roleEditor", agent: "roleAgent" };

export function TrustPage() {
  const [staff, setStaff] = useState<StaffWithTotp[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [reset, setReset] = useState<StaffWithTotp | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    call(client.api.staff.$get())
      .then((r) => setStaff(r.staff))
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), []);

  async function doReset(s: StaffWithTotp) {
    setBusy(true);
    try {
      await call(client.api.staff[":id"].totp.reset.$post({ param: { id: s.id } }));
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setReset(null);
    }
  }

  return (
    <section class="page-pad stack trust-page" aria-labelledby="trust-title">
      <div>
        <h1 id="trust-title">{tr("title")}</h1>
        <p class="muted">{tr("intro")}</p>
      </div>
      <TrustSettingsCard />
      <section class="bc-card" aria-labelledby="trust-team-title">
        <h2 id="trust-team-title">{tr("teamTitle")}</h2>
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
        <div class="bc-table-wrap" tabIndex={0} role="group" aria-labelledby="trust-team-title">
          <table class="bc-table">
            <thead>
              <tr>
                <th scope="col">{tr("colName")}</th>
                <th scope="col">{tr("colRole")}</th>
                <th scope="col">{tr("colTotp")}</th>
                <th scope="col">
                  <span class="visually-hidden">{tt("reset")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff
                .filter((s) => !s.disabled)
                .map((s) => (
                  <tr key={s.id} data-staff={s.id}>
                    <th scope="row">{s.name}</th>
                    <td>{t(roleLabel[s.role])}</td>
                    <td>{s.totpEnabled ? tr("on") : tr("off")}</td>
                    <td>
                      {s.totpEnabled && (
                        <Button variant="ghost" onClick={() => setReset(s)}>
                          {tt("reset")}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
      <AuditLog staff={staff} />
      <ConfirmDialog
        open={reset !== null}
        title={tt("reset")}
        message={tt("resetConfirm", { name: reset?.name ?? "" })}
        confirmLabel={tt("reset")}
        danger
        busy={busy}
        onConfirm={() => reset && void doReset(reset)}
        onCancel={() => setReset(null)}
      />
    </section>
  );
}
