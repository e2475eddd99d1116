CREATE TABLE "experiment_decisions" (
	"experiment" text PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"decided_at" bigint NOT NULL,
	"concluded_at" bigint
);
--> statement-breakpoint
ALTER TABLE "sends" ADD COLUMN "variant" text;--> statement-breakpoint
CREATE INDEX "sends_variant" ON "sends" USING btree ("sequence_id","step_id","variant") WHERE variant IS NOT NULL;