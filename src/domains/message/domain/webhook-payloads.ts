import { type Snowflake, snowflakeTimestamp } from "../../../shared/kernel/snowflake";
import type { WebhookAuthor } from "./webhook";

/** A webhook's message's author, as Discord shows it: a bot user with the webhook's id and discriminator "0000". */
export interface WebhookAuthorPayload {
  readonly id: Snowflake;
  readonly username: string;
  readonly display_name: null;
  readonly discriminator: "0000";
  readonly global_name: null;
  readonly avatar: string | null;
  readonly bot: true;
  /** The webhook's creation time (its id's). */
  readonly created_at: string;
}

export const webhookAuthorPayload = (author: WebhookAuthor): WebhookAuthorPayload => ({
  id: author.id,
  username: author.username,
  display_name: null,
  discriminator: "0000",
  global_name: null,
  avatar: author.avatar,
  bot: true,
  created_at: new Date(snowflakeTimestamp(author.id)).toISOString(),
});
