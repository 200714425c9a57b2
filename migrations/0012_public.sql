ALTER TABLE `channels` ADD `public` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `report_created_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `report_public_summary` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `report_merged_into` text;--> statement-breakpoint
CREATE INDEX `conversations_report_place_idx` ON `conversations` (`report_category`,`report_latitude`);