DROP INDEX `sends_status`;--> statement-breakpoint
DROP INDEX `sends_ref`;--> statement-breakpoint
CREATE INDEX `sends_sending` ON `sends` (`id`) WHERE status = 'sending';--> statement-breakpoint
CREATE UNIQUE INDEX `sends_ref` ON `sends` (`ref`) WHERE ref <> '';