CREATE TABLE `run_batches` (
	`run_id` integer NOT NULL,
	`batch_no` integer NOT NULL,
	`after_id` integer NOT NULL,
	`last_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`worker_id` integer,
	`leads` integer DEFAULT 0 NOT NULL,
	`planned_at` integer,
	PRIMARY KEY(`run_id`, `batch_no`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `runs` ADD `tick_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_tick_at` ON `runs` (`tick_at`);