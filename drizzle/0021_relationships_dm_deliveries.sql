CREATE TABLE "relationships" (
	"user_id" bigint NOT NULL,
	"other_id" bigint NOT NULL,
	"type" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "relationships_pkey" PRIMARY KEY("user_id","other_id")
);
--> statement-breakpoint
CREATE TABLE "dm_deliveries" (
	"channel_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"delivered_up_to" bigint NOT NULL,
	CONSTRAINT "dm_deliveries_pkey" PRIMARY KEY("channel_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_other_id_users_id_fk" FOREIGN KEY ("other_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dm_deliveries" ADD CONSTRAINT "dm_deliveries_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "relationships_blocked_idx" ON "relationships" USING btree ("other_id") WHERE "relationships"."type" = 2;