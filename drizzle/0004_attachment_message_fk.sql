-- Deleting a message un-attaches its files rather than deleting their rows: the purge then deletes the bytes
-- (consumed_at stays set). Only message_id is set to null (PostgreSQL 15+), since channel_id is NOT NULL and
-- still names the channel the file belonged to. drizzle-kit cannot express a column list here, hence by hand.
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_message_fk" FOREIGN KEY ("channel_id", "message_id")
  REFERENCES "public"."messages"("channel_id", "id") ON DELETE SET NULL ("message_id");
