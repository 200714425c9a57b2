-- Reports marked before report_created_at existed: the best known time is their last change (or the conversation's start).
UPDATE conversations SET report_created_at = coalesce(report_updated_at, created_at)
WHERE report_status IS NOT NULL AND report_created_at IS NULL;
