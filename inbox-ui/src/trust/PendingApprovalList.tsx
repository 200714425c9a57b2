// "Zur Freigabe": broadcasts waiting for a second person, on top of the broadcast list (live).
import { useEffect } from "preact/hooks";
import { linkClick } from "../lib/router";
import { formatDateTime } from "../ui";
import { broadcastPaths } from "../broadcasts/paths";
import { kindLabel } from "../broadcasts/labels";
import { ta } from "./approval-strings";
import { pendingApprovals, refreshPendingApprovals } from "./pending-approvals";

export function PendingApprovalList() {
  useEffect(() => {
    void refreshPendingApprovals();
  }, []);
  const items = pendingApprovals.value;
  if (items.length === 0) return null;
  return (
    <section class="bc-card approval-list" aria-labelledby="approval-list-title" data-testid="approval-list">
      <h2 id="approval-list-title">
        {ta("listTitle")} <span class="tag tag-alert">{items.length}</span>
      </h2>
      <p class="muted">{ta("listIntro")}</p>
      <ul class="approval-items">
        {items.map((b) => (
          <li key={b.id}>
            <a href={broadcastPaths.detail(b.id)} onClick={linkClick}>
              {b.title}
            </a>{" "}
            <span class={`tag ${b.kind === "alert" ? "tag-alert" : ""}`}>{kindLabel(b.kind)}</span>{" "}
            <span class="muted small">
              {ta("listBy", { name: b.approval.requestedByName ?? b.createdByName ?? "?" })} · {formatDateTime(b.approval.requestedAt ?? b.createdAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
