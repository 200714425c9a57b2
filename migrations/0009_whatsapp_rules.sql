ALTER TABLE `broadcast_recipients` ADD `via` text;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `fallback_at` integer;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `delivery` text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE `templates` ADD `rejected_reason` text;--> statement-breakpoint
ALTER TABLE `templates` ADD `status_at` integer;