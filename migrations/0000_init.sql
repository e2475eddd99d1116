CREATE TABLE `consent_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`consent` text NOT NULL,
	`previous` text,
	`at` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	`source` text NOT NULL,
	`evidence` text NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_log_lead` ON `consent_log` (`lead_id`,`at`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`sequence_id` text NOT NULL,
	`status` text NOT NULL,
	`enrolled_at` integer NOT NULL,
	`ended_at` integer,
	`reason` text DEFAULT '' NOT NULL,
	`run_id` integer,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_lead_sequence` ON `enrollments` (`lead_id`,`sequence_id`);--> statement-breakpoint
CREATE INDEX `enrollments_status` ON `enrollments` (`status`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lead_id` integer NOT NULL,
	`type` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`url` text DEFAULT '' NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`external_id` text,
	`dedupe_key` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_dedupe` ON `events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `events_lead` ON `events` (`lead_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`company` text DEFAULT '' NOT NULL,
	`job_title` text DEFAULT '' NOT NULL,
	`industry` text DEFAULT '' NOT NULL,
	`country` text DEFAULT '' NOT NULL,
	`timezone` text DEFAULT '' NOT NULL,
	`consent` text DEFAULT 'none' NOT NULL,
	`consent_at` integer,
	`consent_source` text DEFAULT '' NOT NULL,
	`attributes` text DEFAULT '{}' NOT NULL,
	`suppressed_reason` text,
	`suppressed_at` integer,
	`score` real,
	`fit_score` real,
	`engagement_score` real,
	`stage` text,
	`scored_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_email` ON `leads` (`email`);--> statement-breakpoint
CREATE TABLE `run_lock` (
	`id` integer PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL,
	`pid` integer NOT NULL,
	`host` text NOT NULL,
	`acquired_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`dry_run` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`counts` text DEFAULT '{}' NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enrollment_id` integer NOT NULL,
	`lead_id` integer NOT NULL,
	`sequence_id` text NOT NULL,
	`step_id` text NOT NULL,
	`force` text NOT NULL,
	`status` text NOT NULL,
	`planned_at` integer,
	`due_at` integer,
	`sent_at` integer,
	`reason` text DEFAULT '' NOT NULL,
	`ref` text NOT NULL,
	`message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_response` text,
	`run_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`enrollment_id`) REFERENCES `enrollments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sends_enrollment_step` ON `sends` (`enrollment_id`,`step_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `sends_ref` ON `sends` (`ref`);--> statement-breakpoint
CREATE INDEX `sends_lead` ON `sends` (`lead_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `sends_status` ON `sends` (`status`,`planned_at`);