-- An UPDATE that keeps its lead (a settled send, a reclassified event) bumped that lead's
-- input_version twice (once as OLD, once as NEW) where SQLite bumps it once: the old lead is
-- woken only on a DELETE or when the row moved to another lead.
CREATE OR REPLACE FUNCTION "nurture_wake_lead"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.lead_id IS DISTINCT FROM NEW.lead_id) THEN
    UPDATE "leads" SET "wake_at" = 0, "input_version" = "input_version" + 1 WHERE "id" = OLD.lead_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "leads" SET "wake_at" = 0, "input_version" = "input_version" + 1 WHERE "id" = NEW.lead_id;
  END IF;
  RETURN NULL;
END $$;
