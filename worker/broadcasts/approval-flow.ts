// What follows a four-eyes decision: approvers and the author are told live, and an approved draft
// starts at once (the author had pressed "send"); a scheduled one keeps its time (the cron starts it).
import type { BroadcastRow } from "./compose";
import { getBroadcastRow } from "./compose";
import { approveBroadcast, rejectBroadcast, requestApproval } from "./approval";
import { publishApproval } from "./approval-events";
import { sendNow, type LifecycleDeps } from "./lifecycle";

export async function askForApproval(deps: LifecycleDeps, id: string, staffId: string): Promise<BroadcastRow> {
  const row = await requestApproval(deps.db, id, staffId);
  await publishApproval(deps.env, deps.db, row);
  return row;
}

export async function approveAndContinue(deps: LifecycleDeps, id: string, staffId: string): Promise<BroadcastRow> {
  const row = await approveBroadcast(deps.db, id, staffId);
  await publishApproval(deps.env, deps.db, row);
  // Should the start be refused now (e.g. the template was paused meanwhile), the approval stays and
  // the error tells the approver why; the author can send it later without asking again.
  if (row.status === "draft") await sendNow(deps, id);
  return getBroadcastRow(deps.db, id);
}

export async function rejectWithReason(deps: LifecycleDeps, id: string, staffId: string, reason: string): Promise<BroadcastRow> {
  const row = await rejectBroadcast(deps.db, id, staffId, reason);
  await publishApproval(deps.env, deps.db, row);
  return row;
}
