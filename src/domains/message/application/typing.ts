import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { topics } from "../../../shared/kernel/domain-event";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";

export const TYPING_STARTED = "TYPING_STARTED";
/** Clients show the indicator this long after the last TYPING_START, unless a message arrives first. */
export const TYPING_TTL_MS = 10_000;

export interface TypingStartedData {
  readonly channel_id: Snowflake;
  readonly guild_id?: Snowflake;
  readonly user_id: Snowflake;
  /** Unix seconds, as Discord. */
  readonly timestamp: number;
}

/**
 * Announces that the caller is typing (TYPING_START, VIEW_CHANNEL and SEND_MESSAGES). Typing is ephemeral and
 * expires by itself after 10 s, so it goes straight to pub/sub, shaped like a domain event, not through the outbox:
 * to the guild's topic (the gateway filters by VIEW_CHANNEL) or to each DM participant.
 */
export const startTyping =
  (deps: Pick<MessageDeps, "permissions" | "pubSub" | "clock" | "ids">) =>
  async (userId: Snowflake, channelId: Snowflake): Promise<void> => {
    const channel = await channelWith(deps, userId, channelId, "SEND_MESSAGES");
    const now = deps.clock.now();
    const targets = channel.guildId ? [topics.guild(channel.guildId)] : channel.recipientIds.map((id) => topics.user(id));
    const event: DomainEvent<typeof TYPING_STARTED, TypingStartedData> = {
      id: deps.ids.next(),
      type: TYPING_STARTED,
      occurredAt: new Date(now).toISOString(),
      topics: targets,
      data: { channel_id: channelId, ...(channel.guildId ? { guild_id: channel.guildId } : {}), user_id: userId, timestamp: Math.floor(now / 1000) },
    };
    const message = JSON.stringify(event);
    await Promise.all(targets.map((topic) => deps.pubSub.publish(topic, message)));
  };
