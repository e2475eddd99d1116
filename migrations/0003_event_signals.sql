ALTER TABLE `events` ADD `signal` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `signal_reason` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `send_id` integer;--> statement-breakpoint
CREATE INDEX `events_send` ON `events` (`send_id`,`type`) WHERE send_id IS NOT NULL;