// "Möglicherweise dieselbe Meldung": open reports of the same category nearby (the server applies
// FixMyStreet's 50 m / 14 days rule, never this report itself), each with "Andere Meldung öffnen" and
// merging after a confirmation. A merged report shows where it went instead.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { linkClick, routes } from "../lib/router";
import type { ReportDetail } from "../lib/types";
import { Button, ConfirmDialog, errorText, formatDate, formatNumber } from "../ui";
import { setOpenConversation } from "./conversation-store";
import { tp } from "./public-report-strings";

const reportApi = client.api.conversations[":id"].report;
type Duplicate = Ok<typeof reportApi.duplicates.$get>["duplicates"][number];

export function ReportDuplicates({ conversationId, report }: { conversationId: string; report: ReportDetail }) {
  const [list, setList] = useState<Duplicate[]>([]);
  const [merging, setMerging] = useState<Duplicate | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (report.mergedInto || report.status === "erledigt" || report.latitude === null) {
      setList([]);
      return;
    }
    let stale = false;
    call(reportApi.duplicates.$get({ param: { id: conversationId } }))
      .then((res) => !stale && setList(res.duplicates))
      .catch(() => !stale && setList([]));
    return () => {
      stale = true;
    };
  }, [conversationId, report.category, report.status, report.latitude, report.longitude, report.mergedInto]);

  async function merge(into: Duplicate) {
    setBusy(true);
    setError(null);
    try {
      const res = await call(reportApi.merge.$post({ param: { id: conversationId }, json: { into: into.conversationId } }));
      setOpenConversation(res.conversation);
      setMerging(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (report.mergedInto) {
    return (
      <p class="report-merged small" role="note">
        {tp("mergedInto")}{" "}
        <a href={routes.conversation(report.mergedInto)} onClick={linkClick}>
          {tp("openReport")}
        </a>
      </p>
    );
  }
  if (list.length === 0) return error ? <p class="status-msg status-error">{error}</p> : null;
  return (
    <div class="report-duplicates" role="region" aria-label={tp("duplicateTitle")}>
      <p class="label-like">{tp("duplicateTitle")}</p>
      <p class="field-hint">{tp("duplicateHint")}</p>
      <ul>
        {list.map((d) => {
          const what = tp("duplicateItem", { category: d.category, distance: tp("metres", { n: formatNumber(d.distanceMetres) }), date: formatDate(d.createdAt) });
          return (
            <li key={d.conversationId} data-duplicate={d.conversationId}>
              <span>{what}</span>
              {d.address && <span class="muted small"> · {d.address}</span>}{" "}
              <span class="report-duplicate-actions">
                {/* The link names the other report for screen readers: the visible text is the same in every row. */}
                <a href={routes.conversation(d.conversationId)} onClick={linkClick}>
                  {tp("openReport")}
                  <span class="visually-hidden">({what})</span>
                </a>
                <Button small onClick={() => setMerging(d)} disabled={busy}>
                  {tp("mergeInto")}
                </Button>
              </span>
            </li>
          );
        })}
      </ul>
      {error && <p class="status-msg status-error" role="alert">{error}</p>}
      <ConfirmDialog
        open={merging !== null}
        title={tp("duplicateTitle")}
        message={tp("mergeConfirm")}
        confirmLabel={tp("mergeInto")}
        busy={busy}
        onConfirm={() => merging && void merge(merging)}
        onCancel={() => setMerging(null)}
      />
    </div>
  );
}
