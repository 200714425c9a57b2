ALTER TABLE `broadcasts` ADD `wa_media_id` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `wa_media_uploaded_at` integer;