CREATE TABLE `admin_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`acknowledged_at` integer
);
--> statement-breakpoint
CREATE INDEX `admin_alerts_open_idx` ON `admin_alerts` (`acknowledged_at`);--> statement-breakpoint
CREATE TABLE `broadcast_recipients` (
	`broadcast_id` text NOT NULL,
	`citizen_id` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`wamid` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error_code` integer,
	`error_reason` text,
	`sending_since` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`failed_at` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`broadcast_id`, `citizen_id`),
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `broadcast_recipients_status_idx` ON `broadcast_recipients` (`broadcast_id`,`status`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_wamid_idx` ON `broadcast_recipients` (`wamid`);--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`media_id` text,
	`template` text,
	`channel_ids` text NOT NULL,
	`status` text NOT NULL,
	`send_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`recipient_count` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `broadcasts_status_send_at_idx` ON `broadcasts` (`status`,`send_at`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`keyword` text,
	`default_on` integer DEFAULT false NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_keyword_uq` ON `channels` (`keyword`);--> statement-breakpoint
CREATE TABLE `citizens` (
	`id` text PRIMARY KEY NOT NULL,
	`wa_id` text,
	`user_id` text,
	`name` text,
	`locale` text DEFAULT 'de' NOT NULL,
	`last_inbound_at` integer,
	`erased_hash` text,
	`erased_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `citizens_wa_id_uq` ON `citizens` (`wa_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `citizens_user_id_uq` ON `citizens` (`user_id`);--> statement-breakpoint
CREATE INDEX `citizens_name_idx` ON `citizens` (`name`);--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`citizen_id` text NOT NULL,
	`channel_id` text,
	`action` text NOT NULL,
	`source` text NOT NULL,
	`message_wamid` text,
	`staff_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_events_citizen_idx` ON `consent_events` (`citizen_id`,`id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`citizen_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assignee_id` text,
	`claimed_at` integer,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_message_preview` text,
	`resolved_at` integer,
	`report_category` text,
	`report_status` text,
	`report_latitude` real,
	`report_longitude` real,
	`report_address` text,
	`report_updated_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversations_citizen_status_idx` ON `conversations` (`citizen_id`,`status`);--> statement-breakpoint
CREATE INDEX `conversations_status_activity_idx` ON `conversations` (`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_assignee_idx` ON `conversations` (`assignee_id`,`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_report_idx` ON `conversations` (`report_status`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`body` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`wa_media_id` text,
	`status` text NOT NULL,
	`r2_key` text,
	`sha256` text,
	`mime_type` text,
	`size` integer,
	`file_name` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`citizen_id` text,
	`uploaded_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`stored_at` integer
);
--> statement-breakpoint
CREATE INDEX `media_status_idx` ON `media` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `media_citizen_idx` ON `media` (`citizen_id`);--> statement-breakpoint
CREATE INDEX `media_wa_media_idx` ON `media` (`wa_media_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`citizen_id` text NOT NULL,
	`direction` text NOT NULL,
	`wamid` text,
	`type` text NOT NULL,
	`text` text,
	`payload` text,
	`media_id` text,
	`status` text NOT NULL,
	`error_code` integer,
	`error_title` text,
	`staff_id` text,
	`sent_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`status_updated_at` integer,
	`processed_at` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_wamid_uq` ON `messages` (`wamid`);--> statement-breakpoint
CREATE INDEX `messages_conversation_idx` ON `messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_citizen_idx` ON `messages` (`citizen_id`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`window_start` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_staff_idx` ON `sessions` (`staff_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `signup_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`channel_ids` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE TABLE `staff` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`password_salt` text NOT NULL,
	`password_iterations` integer NOT NULL,
	`phone` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_email_uq` ON `staff` (`email`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`citizen_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`citizen_id`, `channel_id`),
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_channel_active_idx` ON `subscriptions` (`channel_id`,`active`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`category` text DEFAULT 'UTILITY' NOT NULL,
	`status` text DEFAULT 'APPROVED' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`parameter_count` integer DEFAULT 0 NOT NULL,
	`components` text,
	`source` text DEFAULT 'manual' NOT NULL,
	`synced_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `templates_name_language_uq` ON `templates` (`name`,`language`);