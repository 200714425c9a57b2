// The audit trail for admins: newest first, filtered by area and person, paged, exported as CSV/JSON.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import type { Staff } from "../lib/types";
import type { AuditRow } from "../../../worker/audit/log";
import { Button, SelectField, StatusMessage, errorText, formatDateTime } from "../ui";
import { tr, type TrustStringKey } from "./trust-strings";

/** One audit row, as the server defines it. */
type Entry = AuditRow;

const AREAS = ["auth", "staff", "broadcast", "settings", "template", "citizen", "subscription", "audit"] as const;

export function AuditLog({ staff }: { staff: Staff[] }) {
  const [area, setArea] = useState("");
  const [actor, setActor] = useState("");
  const [items, setItems] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const filters = () => ({ ...(area ? { action: `${area}.` } : {}), ...(actor ? { actor } : {}) });
  const exportPath = (format: "csv" | "json") => client.api.audit.export.$path({ query: { ...filters(), format } });

  const load = (after: string | null) => {
    setBusy(true);
    call(client.api.audit.$get({ query: { ...filters(), ...(after ? { cursor: after } : {}) } }))
      .then((r) => {
        setItems((prev) => (after && prev ? [...prev, ...r.entries] : r.entries));
        setCursor(r.nextCursor);
        setError(null);
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  useEffect(() => load(null), [area, actor]);

  return (
    <section class="bc-card" aria-labelledby="audit-title">
      <h2 id="audit-title">{tr("auditTitle")}</h2>
      <p class="muted">{tr("auditIntro")}</p>
      <div class="audit-filters">
        <SelectField label={tr("filterAction")} value={area} onChange={(e) => setArea(e.currentTarget.value)}>
          <option value="">{tr("all")}</option>
          {AREAS.map((a) => (
            <option key={a} value={a}>
              {tr(`cat_${a}` as TrustStringKey)}
            </option>
          ))}
        </SelectField>
        <SelectField label={tr("filterActor")} value={actor} onChange={(e) => setActor(e.currentTarget.value)}>
          <option value="">{tr("all")}</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <div class="bc-actions">
          <a class="btn btn-secondary" href={exportPath("csv")} download>
            {tr("exportCsv")}
          </a>
          <a class="btn btn-ghost" href={exportPath("json")} download>
            {tr("exportJson")}
          </a>
        </div>
      </div>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {items && items.length === 0 && <p class="muted">{tr("empty")}</p>}
      {items && items.length > 0 && (
        <div class="bc-table-wrap" tabIndex={0} role="group" aria-labelledby="audit-title">
          <table class="bc-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{tr("colWhen")}</th>
                <th scope="col">{tr("colWho")}</th>
                <th scope="col">{tr("colWhat")}</th>
                <th scope="col">{tr("colTarget")}</th>
                <th scope="col">{tr("colDetail")}</th>
                <th scope="col">{tr("colIp")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actorName ?? tr("system")}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td class="small">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "–"}</td>
                  <td class="small audit-detail">{e.detail ? JSON.stringify(e.detail) : "–"}</td>
                  <td class="small">{e.ip ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <Button busy={busy} onClick={() => load(cursor)}>
          {tr("more")}
        </Button>
      )}
    </section>
  );
}
