// Four eyes on one broadcast: who wrote it, who asked, who approved or rejected (and why), and the
// buttons for the author (ask) and for a second editor or admin (approve, reject with a reason).
import { useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { currentStaff, hasRole } from "../lib/session";
import { Button, ConfirmDialog, Dialog, StatusMessage, TextArea, errorText, formatDateTime } from "../ui";
import { t } from "../i18n";
import type { BroadcastDetail } from "../broadcasts/types";
import { ta } from "./approval-strings";
import { refreshPendingApprovals } from "./pending-approvals";

export function ApprovalPanel({ b, onChange }: { b: BroadcastDetail; onChange: (b: BroadcastDetail) => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmApprove, setConfirmApprove] = useState(false);
  const [rejectOpen, setRejectOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const a = b.approval;
  const editable = b.status === "draft" || b.status === "scheduled";
  if (!editable && !a.state) return null;
  if (!b.approvalRequired && !a.state) return null;
  const me = currentStaff.value;
  const own = !!me && (b.createdBy === me.id || a.requestedBy === me.id);

  async function act(action: "request-approval" | "approve" | "reject", reason = "") {
    setBusy(action);
    setError(null);
    try {
      const one = client.api.broadcasts[":id"];
      const r = action === "reject" ? await call(one.reject.$post({ param: { id: b.id }, json: { reason } })) : await call(one[action].$post({ param: { id: b.id } }));
      onChange(r.broadcast);
      setRejectOpen(false);
      void refreshPendingApprovals();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
      setConfirmApprove(false);
    }
  }

  const state =
    a.state === "pending"
      ? ta("pending", { name: a.requestedByName ?? "?", when: formatDateTime(a.requestedAt ?? 0) })
      : a.state === "approved"
        ? ta("approved", { name: a.byName ?? "?", when: formatDateTime(a.at ?? 0) })
        : a.state === "rejected"
          ? ta("rejected", { name: a.byName ?? "?", when: formatDateTime(a.at ?? 0), reason: a.reason ?? "" })
          : ta("notAsked");

  return (
    <section class="bc-card approval-panel" aria-labelledby="approval-title" data-approval={a.state ?? "none"}>
      <h2 id="approval-title">{ta("panelTitle")}</h2>
      {b.approvalRequired && a.state !== "approved" && <p>{ta("required")}</p>}
      {b.createdByName && <p class="muted">{ta("writtenBy", { name: b.createdByName })}</p>}
      <p data-testid="approval-state" role="status">
        {state}
      </p>
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {editable && hasRole("editor") && (
        <div class="bc-actions">
          {(a.state === null || a.state === "rejected") && (
            <Button variant="primary" busy={busy === "request-approval"} onClick={() => void act("request-approval")}>
              {ta("ask")}
            </Button>
          )}
          {a.state === "pending" && !own && (
            <>
              <Button variant="primary" busy={busy === "approve"} onClick={() => setConfirmApprove(true)}>
                {ta("approve")}
              </Button>
              <Button variant="danger" busy={busy === "reject"} onClick={() => setRejectOpen(true)}>
                {ta("reject")}
              </Button>
            </>
          )}
          {a.state === "pending" && own && <p class="muted small">{ta("ownHint")}</p>}
        </div>
      )}
      <ConfirmDialog
        open={confirmApprove}
        title={ta("confirmApproveTitle")}
        message={b.status === "draft" ? ta("confirmApproveDraft", { title: b.title }) : ta("confirmApproveScheduled", { title: b.title })}
        confirmLabel={ta("approve")}
        busy={busy === "approve"}
        onConfirm={() => void act("approve")}
        onCancel={() => setConfirmApprove(false)}
      />
      <Dialog
        open={rejectOpen}
        title={ta("rejectTitle")}
        onClose={() => setRejectOpen(false)}
        footer={
          <>
            <Button onClick={() => setRejectOpen(false)}>{t("cancel")}</Button>
            <Button
              variant="danger"
              busy={busy === "reject"}
              onClick={() => {
                if (!reason.trim()) return setReasonError(ta("rejectNeedsReason"));
                setReasonError(null);
                void act("reject", reason.trim());
              }}
            >
              {ta("reject")}
            </Button>
          </>
        }
      >
        <TextArea
          label={ta("rejectReason")}
          hint={ta("rejectReasonHint")}
          error={reasonError ?? undefined}
          value={reason}
          maxLength={500}
          rows={3}
          onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
        />
        {error && <StatusMessage kind="error">{error}</StatusMessage>}
      </Dialog>
    </section>
  );
}
