CREATE TABLE `erasure_tombstones` (
	`identity_hash` text PRIMARY KEY NOT NULL,
	`erased_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `erasure_tombstones_erased_at_idx` ON `erasure_tombstones` (`erased_at`);--> statement-breakpoint
CREATE TABLE `media_deletions` (
	`r2_key` text PRIMARY KEY NOT NULL,
	`queued_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `messages_media_idx` ON `messages` (`media_id`) WHERE media_id IS NOT NULL;