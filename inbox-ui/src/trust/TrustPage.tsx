// "Sicherheit" (admins): trust settings, who uses two-factor sign-in and passkeys (with a reset for a
// lost phone or laptop), and the audit trail. The shell lazy-loads this module and uses the named
// export `TrustPage`.
import { useEffect, useState } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import type { Staff } from "../lib/types";
import { Button, ConfirmDialog, StatusMessage, errorText, formatNumber, useAction } from "../ui";
import "../broadcasts/broadcasts.css";
import { AuditLog } from "./AuditLog";
import { tt } from "./totp-strings";
import { tr } from "./trust-strings";
import { TrustSettingsCard } from "./TrustSettingsCard";

type StaffWithTotp = Ok<typeof client.api.staff.$get>["staff"][number];
const roleLabel: Record<Staff["role"], StringKey> = { admin: "roleAdmin", editor: "roleEditor", agent: "roleAgent" };

/** What is being reset, waiting for the confirmation. */
type Reset = { what: "totp" | "passkeys"; person: StaffWithTotp };

export function TrustPage() {
  const [staff, setStaff] = useState<StaffWithTotp[]>([]);
  const [reset, setReset] = useState<Reset | null>(null);
  const { busy, error, info, setError, setInfo, run } = useAction();

  const load = () =>
    call(client.api.staff.$get())
      .then((r) => setStaff(r.staff))
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), []);

  function doReset({ what, person }: Reset) {
    const id = { param: { id: person.id } };
    void run(async () => {
      if (what === "totp") await call(client.api.staff[":id"].totp.reset.$post(id));
      else {
        await call(client.api.staff[":id"].passkeys.reset.$post(id));
        setInfo(tr("passkeysResetDone", { name: person.name }));
      }
    }).finally(() => {
      setReset(null);
      // Also after a failure: someone else may have changed the list meanwhile.
      void load();
    });
  }

  const name = reset?.person.name ?? "";
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
        {info && <StatusMessage kind="ok">{info}</StatusMessage>}
        <div class="bc-table-wrap" tabIndex={0} role="group" aria-labelledby="trust-team-title">
          <table class="bc-table">
            <thead>
              <tr>
                <th scope="col">{tr("colName")}</th>
                <th scope="col">{tr("colRole")}</th>
                <th scope="col">{tr("colTotp")}</th>
                <th scope="col">{tr("colPasskeys")}</th>
                <th scope="col">
                  <span class="visually-hidden">{tr("colActions")}</span>
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
                    <td data-passkeys={s.passkeys}>{formatNumber(s.passkeys)}</td>
                    <td>
                      <div class="trust-resets">
                        {s.totpEnabled && (
                          <Button variant="ghost" onClick={() => setReset({ what: "totp", person: s })}>
                            {tt("reset")}
                          </Button>
                        )}
                        {s.passkeys > 0 && (
                          <Button variant="ghost" onClick={() => setReset({ what: "passkeys", person: s })}>
                            {tr("passkeysReset")}
                            <span class="visually-hidden">({s.name})</span>
                          </Button>
                        )}
                      </div>
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
        title={reset?.what === "passkeys" ? tr("passkeysResetTitle", { name }) : tt("reset")}
        message={reset?.what === "passkeys" ? tr("passkeysResetConfirm", { name }) : tt("resetConfirm", { name })}
        confirmLabel={reset?.what === "passkeys" ? tr("passkeysReset") : tt("reset")}
        danger
        busy={busy}
        onConfirm={() => reset && doReset(reset)}
        onCancel={() => setReset(null)}
      />
    </section>
  );
}
