CREATE TABLE "voice_calls" (
	"id" bigint PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"node_id" integer NOT NULL,
	"endpoint" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "voice_moderation" (
	"guild_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"mute" boolean NOT NULL,
	"deaf" boolean NOT NULL,
	CONSTRAINT "voice_moderation_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "voice_states" (
	"user_id" bigint PRIMARY KEY NOT NULL,
	"guild_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"gateway_session_id" text NOT NULL,
	"auth_session_id" text NOT NULL,
	"self_mute" boolean NOT NULL,
	"self_deaf" boolean NOT NULL,
	"mute" boolean NOT NULL,
	"deaf" boolean NOT NULL,
	"suppress" boolean NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "voice_calls" ADD CONSTRAINT "voice_calls_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_calls" ADD CONSTRAINT "voice_calls_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_moderation" ADD CONSTRAINT "voice_moderation_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_moderation" ADD CONSTRAINT "voice_moderation_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_states" ADD CONSTRAINT "voice_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_states" ADD CONSTRAINT "voice_states_guild_id_guilds_id_fk" FOREIGN KEY ("guild_id") REFERENCES "public"."guilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_states" ADD CONSTRAINT "voice_states_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "voice_calls_open_key" ON "voice_calls" USING btree ("channel_id") WHERE "voice_calls"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "voice_calls_channel_idx" ON "voice_calls" USING btree ("channel_id","id");--> statement-breakpoint
CREATE INDEX "voice_states_channel_idx" ON "voice_states" USING btree ("channel_id");--> statement-breakpoint
CREATE INDEX "voice_states_guild_idx" ON "voice_states" USING btree ("guild_id");--> statement-breakpoint
CREATE INDEX "voice_states_session_idx" ON "voice_states" USING btree ("gateway_session_id");--> statement-breakpoint
CREATE INDEX "voice_states_auth_session_idx" ON "voice_states" USING btree ("auth_session_id");--> statement-breakpoint
CREATE INDEX "voice_states_expires_idx" ON "voice_states" USING btree ("expires_at");