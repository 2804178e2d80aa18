CREATE TABLE "webhooks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"creator_id" bigint NOT NULL,
	"name" text NOT NULL,
	"avatar" text,
	"token_hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_author_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "webhook_id" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "webhook_username" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "webhook_avatar" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_creator_id_users_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhooks_channel_idx" ON "webhooks" USING btree ("channel_id");--> statement-breakpoint
CREATE INDEX "webhooks_guild_idx" ON "webhooks" USING btree ("guild_id");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_webhook_author_check" CHECK (webhook_id IS NULL OR (webhook_id = author_id AND webhook_username IS NOT NULL));