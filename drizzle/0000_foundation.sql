CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"topics" text[] NOT NULL,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("id") WHERE published_at IS NULL;