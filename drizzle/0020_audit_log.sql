CREATE TABLE "audit_log_entries" (
	"id" bigint PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"target_id" bigint,
	"action_type" integer NOT NULL,
	"changes" jsonb NOT NULL,
	"options" jsonb,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log_entries" ADD CONSTRAINT "audit_log_entries_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_guild_idx" ON "audit_log_entries" USING btree ("guild_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_guild_user_idx" ON "audit_log_entries" USING btree ("guild_id","user_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_guild_action_idx" ON "audit_log_entries" USING btree ("guild_id","action_type","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log_entries" USING btree ("created_at");