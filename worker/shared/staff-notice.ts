// Something staff may want a push notification about (docs/staff-app.md, "Benachrichtigungen").
// The inbox raises these through its deps; the push module decides who gets what, later, in the queue.
export type StaffNotice =
  /** A conversation (or report) was assigned to `assigneeId` by `byStaffId`. */
  | { kind: "assigned"; conversationId: string; assigneeId: string; byStaffId: string }
  /** A conversation became an incident report (marked by `byStaffId`, who is not told). */
  | { kind: "report"; conversationId: string; byStaffId: string | null }
  /** "Test senden": a test notification to all devices of one staff member. */
  | { kind: "test"; staffId: string };
