CREATE TABLE `plan_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `wake_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `input_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Input triggers (issue 16): any write of what the planner reads wakes the lead (wake_at 0: due
-- at the next run) and bumps input_version, so a run that planned it from older input does not
-- put it back to sleep. Score, stage and wake columns are the run's own output: not listed.
CREATE TRIGGER `leads_input_wakes` AFTER UPDATE OF email, first_name, last_name, company, job_title, industry, country, timezone, consent, consent_at, consent_source, attributes, suppressed_reason, suppressed_at, paused_at, paused_until ON `leads`
WHEN NEW.email IS NOT OLD.email OR NEW.first_name IS NOT OLD.first_name OR NEW.last_name IS NOT OLD.last_name OR NEW.company IS NOT OLD.company OR NEW.job_title IS NOT OLD.job_title OR NEW.industry IS NOT OLD.industry OR NEW.country IS NOT OLD.country OR NEW.timezone IS NOT OLD.timezone OR NEW.consent IS NOT OLD.consent OR NEW.consent_at IS NOT OLD.consent_at OR NEW.consent_source IS NOT OLD.consent_source OR NEW.attributes IS NOT OLD.attributes OR NEW.suppressed_reason IS NOT OLD.suppressed_reason OR NEW.suppressed_at IS NOT OLD.suppressed_at OR NEW.paused_at IS NOT OLD.paused_at OR NEW.paused_until IS NOT OLD.paused_until
BEGIN UPDATE `leads` SET `wake_at` = 0, `input_version` = `input_version` + 1 WHERE `id` = NEW.id; END;
--> statement-breakpoint
CREATE TRIGGER `events_insert_wakes` AFTER INSERT ON `events`
BEGIN UPDATE `leads` SET `wake_at` = 0, `input_version` = `input_version` + 1 WHERE `id` = NEW.lead_id; END;
--> statement-breakpoint
CREATE TRIGGER `events_update_wakes` AFTER UPDATE OF lead_id, type, occurred_at, url, properties, signal ON `events`
WHEN NEW.lead_id IS NOT OLD.lead_id OR NEW.type IS NOT OLD.type OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.url IS NOT OLD.url OR NEW.properties IS NOT OLD.properties OR NEW.signal IS NOT OLD.signal
BEGIN UPDATE `leads` SET `wake_at` = 0, `input_version` = `input_version` + 1 WHERE `id` IN (NEW.lead_id, OLD.lead_id); END;
--> statement-breakpoint
CREATE TRIGGER `events_delete_wakes` AFTER DELETE ON `events`
BEGIN UPDATE `leads` SET `wake_at` = 0, `input_version` = `input_version` + 1 WHERE `id` = OLD.lead_id; END;
--> statement-breakpoint
-- A claimed send settled (sent, failed, released, or resolved by hand with `outbox resolve`): the
-- lead's next touch and score move with it.
CREATE TRIGGER `sends_settle_wakes` AFTER UPDATE OF `status` ON `sends`
WHEN OLD.status = 'sending' AND NEW.status <> 'sending'
BEGIN UPDATE `leads` SET `wake_at` = 0, `input_version` = `input_version` + 1 WHERE `id` = NEW.lead_id; END;
