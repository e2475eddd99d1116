ALTER TABLE `leads` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `paused_until` integer;