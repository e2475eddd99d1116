CREATE TABLE `confirmations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`ref` text NOT NULL,
	`status` text NOT NULL,
	`planned_at` integer NOT NULL,
	`sent_at` integer,
	`confirmed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_response` text,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `confirmations_lead` ON `confirmations` (`lead_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `confirmations_ref` ON `confirmations` (`ref`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`send_id` integer,
	`confirmation_id` integer,
	`at` integer NOT NULL,
	`ok` integer NOT NULL,
	`permanent` integer DEFAULT false NOT NULL,
	`response` text NOT NULL,
	`run_id` integer
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_send` ON `delivery_attempts` (`send_id`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL,
	`score` real NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_lead` ON `handoffs` (`lead_id`);--> statement-breakpoint
CREATE INDEX `handoffs_at` ON `handoffs` (`at`);--> statement-breakpoint
CREATE TABLE `quarantined_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`type` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`url` text DEFAULT '' NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`external_id` text,
	`dedupe_key` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`reason` text NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quarantined_events_dedupe` ON `quarantined_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `quarantined_events_email` ON `quarantined_events` (`email`);--> statement-breakpoint
CREATE TABLE `score_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`at` integer NOT NULL,
	`score` real NOT NULL,
	`fit` real NOT NULL,
	`engagement` real NOT NULL,
	`stage` text NOT NULL,
	`cause` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `score_history_lead` ON `score_history` (`lead_id`,`at`);