-- The reason staff give for re-subscribing someone after STOP is as fixed as the rest of the
-- consent log (see 0002_consent_append_only).
CREATE TRIGGER consent_events_reason_fixed
BEFORE UPDATE ON consent_events
WHEN NEW.reason IS NOT OLD.reason
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
