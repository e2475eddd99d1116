ALTER TABLE `events` ADD `signal` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `signal_reason` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `send_id` integer;--> statement-breakpoint
CREATE INDEX `events_send` ON `events` (`send_id`,`type`,`signal`) WHERE send_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `events_type_at` ON `events` (`type`,`occurred_at`) WHERE type NOT IN ('email_opened', 'email_clicked');