CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`detail` text,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `staff_recovery_codes` (
	`staff_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`used_at` integer,
	PRIMARY KEY(`staff_id`, `code_hash`),
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_state` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_requested_by` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_requested_at` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_by` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_at` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `approval_reason` text;--> statement-breakpoint
CREATE INDEX `broadcasts_approval_idx` ON `broadcasts` (`approval_state`);--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_last_counter` integer;