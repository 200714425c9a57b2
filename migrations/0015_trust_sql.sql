-- The audit trail is append-only: the database refuses to change any row, and deletes only rows
-- older than the retention setting (trust.audit_retention_days, default 730, never under 30 days),
-- which is what the minute cron's retention does (worker/audit/retention.ts, docs/trust.md).
CREATE TRIGGER audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete
BEFORE DELETE ON audit_log
WHEN OLD.at > CAST(strftime('%s', 'now') AS INTEGER) * 1000
  - max(30, coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'trust.audit_retention_days'), 730)) * 86400000
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows are kept for the retention period');
END;
