CREATE TABLE "attachments" (
	"id" bigint PRIMARY KEY NOT NULL,
	"channel_id" bigint NOT NULL,
	"uploader_id" bigint NOT NULL,
	"message_id" bigint,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"width" integer,
	"height" integer,
	"created_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_mentions" (
	"user_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	CONSTRAINT "message_mentions_pkey" PRIMARY KEY("user_id","channel_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "message_nonces" (
	"channel_id" bigint NOT NULL,
	"author_id" bigint NOT NULL,
	"nonce" text NOT NULL,
	"message_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "message_nonces_pkey" PRIMARY KEY("channel_id","author_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"channel_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"emoji" text NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "message_reactions_pkey" PRIMARY KEY("message_id","emoji","user_id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"guild_id" bigint,
	"author_id" bigint NOT NULL,
	"content" text NOT NULL,
	"edited_at" timestamp with time zone,
	"mention_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"mention_everyone" boolean DEFAULT false NOT NULL,
	"pinned_at" timestamp with time zone,
	"has_attachments" boolean DEFAULT false NOT NULL,
	"reaction_count" integer DEFAULT 0 NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "content")) STORED,
	CONSTRAINT "messages_channel_id_pkey" PRIMARY KEY("channel_id","id")
);
--> statement-breakpoint
CREATE TABLE "read_states" (
	"user_id" bigint NOT NULL,
	"channel_id" bigint NOT NULL,
	"last_message_id" bigint,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "read_states_pkey" PRIMARY KEY("user_id","channel_id")
);
--> statement-breakpoint
ALTER TABLE "message_mentions" ADD CONSTRAINT "message_mentions_message_fk" FOREIGN KEY ("channel_id","message_id") REFERENCES "public"."messages"("channel_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_nonces" ADD CONSTRAINT "message_nonces_message_fk" FOREIGN KEY ("channel_id","message_id") REFERENCES "public"."messages"("channel_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_message_fk" FOREIGN KEY ("channel_id","message_id") REFERENCES "public"."messages"("channel_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "read_states" ADD CONSTRAINT "read_states_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_message_idx" ON "attachments" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "attachments_unattached_idx" ON "attachments" USING btree ("created_at") WHERE message_id IS NULL;--> statement-breakpoint
CREATE INDEX "message_mentions_message_idx" ON "message_mentions" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "message_nonces_message_idx" ON "message_nonces" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "message_nonces_created_idx" ON "message_nonces" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "messages_guild_author_idx" ON "messages" USING btree ("guild_id","author_id","id");--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search");--> statement-breakpoint
CREATE INDEX "messages_everyone_idx" ON "messages" USING btree ("channel_id","id") WHERE mention_everyone;--> statement-breakpoint
CREATE INDEX "messages_pinned_idx" ON "messages" USING btree ("channel_id","pinned_at") WHERE pinned_at IS NOT NULL;