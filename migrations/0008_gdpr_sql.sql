-- The consent log is proof (GDPR): besides the UPDATE trigger of 0002, the database also refuses
-- to DELETE an event. Erasure anonymises events (their wamid becomes "sha256:…"), it never deletes.
CREATE TRIGGER consent_events_no_delete
BEFORE DELETE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
--> statement-breakpoint
-- People erased before tombstones existed: their number hash and erasure time, so late webhooks
-- of their old messages are dropped too.
INSERT INTO erasure_tombstones (identity_hash, erased_at)
SELECT erased_hash, max(erased_at) FROM citizens
WHERE erased_hash IS NOT NULL AND erased_at IS NOT NULL
GROUP BY erased_hash;
