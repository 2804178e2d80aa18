ALTER TABLE "channels" ADD COLUMN "flags" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "available_tags" jsonb;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "default_reaction_emoji" jsonb;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "default_sort_order" smallint;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "default_forum_layout" smallint;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "default_thread_rate_limit_per_user" integer;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "applied_tags" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_pinned_post_key" ON "channels" USING btree ("parent_id") WHERE type IN (11, 12) AND (flags & 2) <> 0;