import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A channel's webhooks were created, changed or deleted (Discord's WEBHOOKS_UPDATE: clients fetch them again). */
export type WebhooksUpdated = DomainEvent<"WEBHOOKS_UPDATED", { guild_id: Snowflake; channel_id: Snowflake }>;

/** Heard on the guild's topic; the gateway passes it to those who can see the channel. */
export const webhooksUpdated = (guildId: Snowflake, channelId: Snowflake): Unrecorded<WebhooksUpdated> => ({
  type: "WEBHOOKS_UPDATED",
  topics: [topics.guild(guildId)],
  data: { guild_id: guildId, channel_id: channelId },
});
