CREATE TABLE "thread_members" (
	"thread_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"flags" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "thread_members_pkey" PRIMARY KEY("thread_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "owner_id" bigint;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "rate_limit_per_user" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "thread_archived" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "auto_archive_duration" integer;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "archive_timestamp" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "thread_locked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "thread_invitable" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "thread_created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "thread_members" ADD CONSTRAINT "thread_members_thread_id_channels_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_members" ADD CONSTRAINT "thread_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "thread_members_user_idx" ON "thread_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "channels_active_threads_idx" ON "channels" USING btree ("archive_timestamp") WHERE type IN (11, 12) AND NOT thread_archived;