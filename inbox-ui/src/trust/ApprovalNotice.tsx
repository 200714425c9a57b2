// Tells editors live (a polite live region in the top bar) that a broadcast waits for approval or was decided.
import { useEffect } from "preact/hooks";
import { linkClick } from "../lib/router";
import { broadcastPaths } from "../broadcasts/paths";
import { ta } from "./approval-strings";
import { approvalNotice, pendingApprovals, watchPendingApprovals } from "./pending-approvals";

export function ApprovalBadge() {
  useEffect(() => watchPendingApprovals(), []);
  const n = pendingApprovals.value.length;
  const notice = approvalNotice.value;
  const text = notice
    ? notice.state === "pending"
      ? ta("liveAsked", { title: notice.title, name: notice.byName ?? "?" })
      : notice.state === "approved"
        ? ta("liveApproved", { title: notice.title, name: notice.byName ?? "?" })
        : notice.state === "rejected"
          ? ta("liveRejected", { title: notice.title, name: notice.byName ?? "?" })
          : ""
    : "";
  return (
    <>
      <span class="visually-hidden" role="status" aria-live="polite">
        {text}
      </span>
      {n > 0 && (
        <a class="tag tag-alert approval-badge" href={broadcastPaths.list} onClick={linkClick} data-testid="approval-badge" title={text || undefined}>
          {ta("navBadge", { n })}
        </a>
      )}
    </>
  );
}
