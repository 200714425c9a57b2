CREATE TABLE `webhook_rejects` (
	`id` text PRIMARY KEY NOT NULL,
	`path` text NOT NULL,
	`reason` text NOT NULL,
	`raw` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_rejects_created_idx` ON `webhook_rejects` (`created_at`);--> statement-breakpoint
ALTER TABLE `citizens` ADD `consent_all_at` integer;--> statement-breakpoint
ALTER TABLE `consent_events` ADD `acted_at` integer;--> statement-breakpoint
ALTER TABLE `consent_events` ADD `superseded` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `consent_at` integer DEFAULT 0 NOT NULL;