CREATE TABLE `calendar_events` (
	`channel_id` text NOT NULL,
	`uid` text NOT NULL,
	`start` integer NOT NULL,
	`all_day` integer NOT NULL,
	`day` text NOT NULL,
	`remind_at` integer NOT NULL,
	`summary` text NOT NULL,
	`location` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`channel_id`, `uid`, `start`)
);
--> statement-breakpoint
CREATE INDEX `calendar_events_remind_idx` ON `calendar_events` (`remind_at`);--> statement-breakpoint
CREATE TABLE `calendar_reminders` (
	`channel_id` text NOT NULL,
	`day` text NOT NULL,
	`remind_at` integer NOT NULL,
	`status` text NOT NULL,
	`broadcast_id` text,
	`summary` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `calendar_streets` (
	`key` text PRIMARY KEY NOT NULL,
	`street` text NOT NULL,
	`channel_id` text NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `channel_calendars` (
	`channel_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`ics` text NOT NULL,
	`url` text,
	`lead_minutes` integer NOT NULL,
	`template_name` text,
	`template_language` text,
	`refreshed_at` integer NOT NULL,
	`attempted_at` integer NOT NULL,
	`error` text,
	`error_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
