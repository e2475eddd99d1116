CREATE TABLE "plan_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "wake_at" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "input_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Input triggers, as in SQLite's migration 0009 (issue 16).
CREATE FUNCTION "nurture_wake_lead"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "leads" SET "wake_at" = 0, "input_version" = "input_version" + 1 WHERE "id" = OLD.lead_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "leads" SET "wake_at" = 0, "input_version" = "input_version" + 1 WHERE "id" = NEW.lead_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "nurture_wake_self"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "leads" SET "wake_at" = 0, "input_version" = "input_version" + 1 WHERE "id" = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "leads_input_wakes" AFTER UPDATE OF email, first_name, last_name, company, job_title, industry, country, timezone, consent, consent_at, consent_source, attributes, suppressed_reason, suppressed_at, paused_at, paused_until ON "leads"
FOR EACH ROW WHEN (NEW.email IS DISTINCT FROM OLD.email OR NEW.first_name IS DISTINCT FROM OLD.first_name OR NEW.last_name IS DISTINCT FROM OLD.last_name OR NEW.company IS DISTINCT FROM OLD.company OR NEW.job_title IS DISTINCT FROM OLD.job_title OR NEW.industry IS DISTINCT FROM OLD.industry OR NEW.country IS DISTINCT FROM OLD.country OR NEW.timezone IS DISTINCT FROM OLD.timezone OR NEW.consent IS DISTINCT FROM OLD.consent OR NEW.consent_at IS DISTINCT FROM OLD.consent_at OR NEW.consent_source IS DISTINCT FROM OLD.consent_source OR NEW.attributes IS DISTINCT FROM OLD.attributes OR NEW.suppressed_reason IS DISTINCT FROM OLD.suppressed_reason OR NEW.suppressed_at IS DISTINCT FROM OLD.suppressed_at OR NEW.paused_at IS DISTINCT FROM OLD.paused_at OR NEW.paused_until IS DISTINCT FROM OLD.paused_until) EXECUTE FUNCTION "nurture_wake_self"();
--> statement-breakpoint
CREATE TRIGGER "events_insert_wakes" AFTER INSERT OR DELETE ON "events" FOR EACH ROW EXECUTE FUNCTION "nurture_wake_lead"();
--> statement-breakpoint
CREATE TRIGGER "events_update_wakes" AFTER UPDATE OF lead_id, type, occurred_at, url, properties, signal ON "events"
FOR EACH ROW WHEN (NEW.lead_id IS DISTINCT FROM OLD.lead_id OR NEW.type IS DISTINCT FROM OLD.type OR NEW.occurred_at IS DISTINCT FROM OLD.occurred_at OR NEW.url IS DISTINCT FROM OLD.url OR NEW.properties IS DISTINCT FROM OLD.properties OR NEW.signal IS DISTINCT FROM OLD.signal) EXECUTE FUNCTION "nurture_wake_lead"();
--> statement-breakpoint
CREATE TRIGGER "sends_settle_wakes" AFTER UPDATE OF "status" ON "sends"
FOR EACH ROW WHEN (OLD.status = 'sending' AND NEW.status <> 'sending') EXECUTE FUNCTION "nurture_wake_lead"();
