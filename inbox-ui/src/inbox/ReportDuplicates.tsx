// "Möglicherweise dieselbe Meldung": open reports of the same category nearby (the server applies
// FixMyStreet's 50 m / 14 days rule), with a link to each and merging after a confirmation. A merged
// report shows where it went instead.
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";
import { linkClick, routes } from "../lib/router";
import type { ConversationDetail, ReportDetail, ReportStatus } from "../lib/types";
import { Button, ConfirmDialog, errorText, formatDate, formatNumber } from "../ui";
import { setOpenConversation } from "./conversation-store";
import { tp } from "./public-report-strings";

interface Duplicate {
  conversationId: string;
  category: string;
  status: ReportStatus;
  distanceMetres: number;
  createdAt: number;
  address: string | null;
}

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
    api<{ duplicates: Duplicate[] }>(`/api/conversations/${encodeURIComponent(conversationId)}/report/duplicates`)
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
      const res = await api<{ conversation: ConversationDetail }>(`/api/conversations/${encodeURIComponent(conversationId)}/report/merge`, {
        method: "POST",
        body: { into: into.conversationId },
      });
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
        {list.map((d) => (
          <li key={d.conversationId} data-duplicate={d.conversationId}>
            <a href={routes.conversation(d.conversationId)} onClick={linkClick}>
              {tp("duplicateItem", { category: d.category, distance: tp("metres", { n: formatNumber(d.distanceMetres) }), date: formatDate(d.createdAt) })}
            </a>
            {d.address && <span class="muted small"> · {d.address}</span>}{" "}
            <Button small onClick={() => setMerging(d)} disabled={busy}>
              {tp("mergeInto")}
            </Button>
          </li>
        ))}
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
