// Four eyes on broadcasts (docs/trust.md): above a town's threshold a broadcast starts only after a
// second editor or admin approved it. Every transition is one conditional UPDATE, so an edit, an
// approval and a start racing each other cannot leave an unapproved broadcast sending: an edit resets
// the approval in the same statement that changes the content, and the start checks it in its own.
import { sql, type SQL } from "drizzle-orm";
import { activeSubscribersQuery } from "../citizens/subscriptions";
import type { Db } from "../db/client";
import { Conflict, type DomainError, Forbidden } from "../shared/errors";
import { trustSettings, type FourEyesSettings } from "../trust/settings";
import { getBroadcastRow, type BroadcastRow } from "./compose";

export type ApprovalState = NonNullable<BroadcastRow["approvalState"]>;

export interface ApprovalRequirement {
  /** Whether this broadcast needs a second person now (setting on, audience above the threshold). */
  required: boolean;
  audience: number;
  threshold: number | null;
}

export async function audienceSize(db: Db, channelIds: string[]): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${activeSubscribersQuery(channelIds)})`);
  return row?.n ?? 0;
}

export const thresholdFor = (s: FourEyesSettings, kind: BroadcastRow["kind"]) => (kind === "alert" ? s.alertThreshold : s.newsletterThreshold);

export async function approvalRequirement(db: Db, row: Pick<BroadcastRow, "kind" | "channelIds">): Promise<ApprovalRequirement> {
  const { fourEyes } = await trustSettings(db);
  if (!fourEyes.enabled) return { required: false, audience: 0, threshold: null };
  const threshold = thresholdFor(fourEyes, row.kind);
  const audience = await audienceSize(db, row.channelIds);
  return { required: audience > threshold, audience, threshold };
}

export const approvalRequired = (req: ApprovalRequirement) =>
  new Conflict("approval_required", `Diese Aussendung geht an ${req.audience} Personen und braucht vorher die Freigabe einer zweiten Person. Bitte „Zur Freigabe senden“ wählen.`, {
    audience: req.audience,
    threshold: req.threshold,
  });

/**
 * Throws 409 approval_required unless the broadcast may start: approved, or not required and not
 * waiting for (or refused by) a second person. Returns the SQL condition the start's UPDATE repeats.
 */
export async function checkApproval(db: Db, row: BroadcastRow): Promise<SQL> {
  const req = await approvalRequirement(db, row);
  const blocked = row.approvalState === "pending" || row.approvalState === "rejected" || (req.required && row.approvalState !== "approved");
  if (blocked) {
    if (row.approvalState === "pending") throw new Conflict("approval_required", "Die Aussendung wartet noch auf die Freigabe durch eine zweite Person.", { state: "pending" });
    if (row.approvalState === "rejected") throw new Conflict("approval_required", "Die Freigabe wurde abgelehnt. Bitte die Aussendung überarbeiten und erneut zur Freigabe senden.", { state: "rejected" });
    throw approvalRequired(req);
  }
  return req.required ? sql`approval_state = 'approved'` : sql`(approval_state IS NULL OR approval_state = 'approved')`;
}

const editable = sql`status IN ('draft', 'scheduled')`;

function notEditable(row: BroadcastRow): DomainError {
  return new Conflict("invalid_state", "Freigaben gibt es nur für Aussendungen, die noch nicht gestartet sind.", { status: row.status });
}

/** The author (or another editor) asks for a second person's approval. */
export async function requestApproval(db: Db, id: string, staffId: string, now = Date.now()): Promise<BroadcastRow> {
  const row = await db.get<{ id: string }>(sql`
    UPDATE broadcasts SET approval_state = 'pending', approval_requested_by = ${staffId}, approval_requested_at = ${now},
      approval_by = NULL, approval_at = NULL, approval_reason = NULL
    WHERE id = ${id} AND ${editable} AND (approval_state IS NULL OR approval_state = 'rejected')
    RETURNING id`);
  const current = await getBroadcastRow(db, id);
  if (!row) {
    if (current.status !== "draft" && current.status !== "scheduled") throw notEditable(current);
    const msg = current.approvalState === "pending" ? "Die Aussendung wartet schon auf eine Freigabe." : "Die Aussendung ist schon freigegeben.";
    throw new Conflict("approval_state", msg, { state: current.approvalState });
  }
  return current;
}

/** Nobody approves or rejects what they wrote or sent for approval themselves. */
function assertNotOwn(row: BroadcastRow, staffId: string): void {
  if (row.createdBy === staffId || row.approvalRequestedBy === staffId) {
    throw new Forbidden("own_broadcast", "Die eigene Aussendung kann nicht selbst freigegeben oder abgelehnt werden. Bitte eine Kollegin oder einen Kollegen fragen.");
  }
}

function notPending(row: BroadcastRow): DomainError {
  return new Conflict("not_pending", "Diese Aussendung wartet nicht auf eine Freigabe (vielleicht wurde sie inzwischen geändert oder schon entschieden).", {
    state: row.approvalState,
  });
}

async function decide(db: Db, id: string, staffId: string, state: "approved" | "rejected", reason: string | null, now: number): Promise<BroadcastRow> {
  const before = await getBroadcastRow(db, id);
  assertNotOwn(before, staffId);
  if (before.approvalState !== "pending") throw notPending(before);
  // The same request that was read (requested_at): an edit and a new request meanwhile is not approved blindly.
  const changed = await db.get<{ id: string }>(sql`
    UPDATE broadcasts SET approval_state = ${state}, approval_by = ${staffId}, approval_at = ${now}, approval_reason = ${reason}
    WHERE id = ${id} AND ${editable} AND approval_state = 'pending' AND approval_requested_at IS ${before.approvalRequestedAt}
      AND coalesce(created_by, '') <> ${staffId} AND coalesce(approval_requested_by, '') <> ${staffId}
    RETURNING id`);
  const after = await getBroadcastRow(db, id);
  if (!changed) throw after.status === "draft" || after.status === "scheduled" ? notPending(after) : notEditable(after);
  return after;
}

export const approveBroadcast = (db: Db, id: string, staffId: string, now = Date.now()) => decide(db, id, staffId, "approved", null, now);

export const rejectBroadcast = (db: Db, id: string, staffId: string, reason: string, now = Date.now()) => decide(db, id, staffId, "rejected", reason, now);

/**
 * The cron found a scheduled broadcast that needs approval but was never sent for it: it waits as
 * "pending" (asked in the author's name) instead of being started or blocking the queue of due ones.
 */
export async function markPendingForCron(db: Db, id: string, now: number): Promise<BroadcastRow | null> {
  const row = await db.get<{ id: string }>(sql`
    UPDATE broadcasts SET approval_state = 'pending', approval_requested_by = created_by, approval_requested_at = ${now}
    WHERE id = ${id} AND status = 'scheduled' AND approval_state IS NULL
    RETURNING id`);
  return row ? getBroadcastRow(db, id) : null;
}
