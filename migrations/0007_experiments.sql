CREATE TABLE `experiment_decisions` (
	`experiment` text PRIMARY KEY NOT NULL,
	`outcome` text NOT NULL,
	`decided_at` integer NOT NULL,
	`concluded_at` integer
);
--> statement-breakpoint
ALTER TABLE `sends` ADD `variant` text;--> statement-breakpoint
CREATE INDEX `sends_variant` ON `sends` (`sequence_id`,`step_id`,`variant`) WHERE variant IS NOT NULL;