CREATE TABLE "guild_emoji_roles" (
	"emoji_id" bigint NOT NULL,
	"role_id" bigint NOT NULL,
	CONSTRAINT "guild_emoji_roles_pkey" PRIMARY KEY("emoji_id","role_id")
);
--> statement-breakpoint
CREATE TABLE "guild_emojis" (
	"id" bigint PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"name" text NOT NULL,
	"creator_id" bigint NOT NULL,
	"animated" boolean NOT NULL,
	"content_type" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "guild_emoji_roles" ADD CONSTRAINT "guild_emoji_roles_emoji_id_guild_emojis_id_fk" FOREIGN KEY ("emoji_id") REFERENCES "public"."guild_emojis"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guild_emoji_roles" ADD CONSTRAINT "guild_emoji_roles_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guild_emojis" ADD CONSTRAINT "guild_emojis_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guild_emoji_roles_role_idx" ON "guild_emoji_roles" USING btree ("role_id");--> statement-breakpoint
CREATE INDEX "guild_emojis_guild_idx" ON "guild_emojis" USING btree ("guild_id");