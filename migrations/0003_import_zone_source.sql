ALTER TABLE `consent_log` ADD `refused` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `zone_source` text;