-- The consent log is append-only proof of every opt-in and opt-out (GDPR). The database itself
-- refuses any change to an event, with one exception: on erasure, the WhatsApp message id (which
-- encodes the phone number) is replaced by its SHA-256 ("sha256:<hex>").
CREATE TRIGGER consent_events_append_only
BEFORE UPDATE ON consent_events
WHEN NEW.id IS NOT OLD.id
  OR NEW.citizen_id IS NOT OLD.citizen_id
  OR NEW.channel_id IS NOT OLD.channel_id
  OR NEW.action IS NOT OLD.action
  OR NEW.source IS NOT OLD.source
  OR NEW.staff_id IS NOT OLD.staff_id
  OR NEW.created_at IS NOT OLD.created_at
  OR (NEW.message_wamid IS NOT OLD.message_wamid AND (NEW.message_wamid IS NULL OR NEW.message_wamid NOT LIKE 'sha256:%'))
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
