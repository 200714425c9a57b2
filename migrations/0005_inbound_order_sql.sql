-- Consent in WhatsApp-timestamp order (docs/inbound.md). Existing rows get the best time known:
-- a subscription's last change, and a citizen's newest STOP/erasure from the consent log.
UPDATE subscriptions SET consent_at = updated_at;
--> statement-breakpoint
UPDATE citizens SET consent_all_at = (SELECT max(created_at) FROM consent_events e
  WHERE e.citizen_id = citizens.id AND e.action IN ('unsubscribe_all', 'erase'));
--> statement-breakpoint
-- The new columns of the consent log are as fixed as the others (see 0002_consent_append_only).
CREATE TRIGGER consent_events_times_fixed
BEFORE UPDATE ON consent_events
WHEN NEW.acted_at IS NOT OLD.acted_at OR NEW.superseded IS NOT OLD.superseded
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
--> statement-breakpoint
-- Keyword rules version: every change of channels or of the keyword setting bumps it, whoever makes
-- it, so the webhook's cached keyword filter can tell in SQL whether its rules are still current.
CREATE TRIGGER keyword_rules_channels_insert AFTER INSERT ON channels
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
--> statement-breakpoint
CREATE TRIGGER keyword_rules_channels_update AFTER UPDATE ON channels
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
--> statement-breakpoint
CREATE TRIGGER keyword_rules_channels_delete AFTER DELETE ON channels
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
--> statement-breakpoint
CREATE TRIGGER keyword_rules_settings_insert AFTER INSERT ON settings WHEN NEW.key = 'citizens.keywords'
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
--> statement-breakpoint
CREATE TRIGGER keyword_rules_settings_update AFTER UPDATE ON settings WHEN NEW.key = 'citizens.keywords' OR OLD.key = 'citizens.keywords'
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
--> statement-breakpoint
CREATE TRIGGER keyword_rules_settings_delete AFTER DELETE ON settings WHEN OLD.key = 'citizens.keywords'
BEGIN
  INSERT INTO settings (key, value, updated_at) SELECT 'citizens.keyword_rules_version', '0', unixepoch('subsec') * 1000
    WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'citizens.keyword_rules_version');
  UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = unixepoch('subsec') * 1000
    WHERE key = 'citizens.keyword_rules_version';
END;
