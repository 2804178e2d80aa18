import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type TypingStarted, typingStarted } from "../domain/message-events";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";

/** Clients show the indicator this long after the last TYPING_START, unless a message arrives first. */
export const TYPING_TTL_MS = 10_000;

/**
 * Announces that the caller is typing (TYPING_START, VIEW_CHANNEL and SEND_MESSAGES). Typing is ephemeral and
 * expires by itself after 10 s, so it goes straight to pub/sub as a domain event, not through the outbox: to the
 * guild's topic (the gateway filters by VIEW_CHANNEL) or to each DM participant.
 */
export const startTyping =
  (deps: Pick<MessageDeps, "permissions" | "pubSub" | "clock" | "ids">) =>
  async (userId: Snowflake, channelId: Snowflake): Promise<void> => {
    const channel = await channelWith(deps, userId, channelId, "SEND_MESSAGES");
    const now = deps.clock.now();
    const event: TypingStarted = { id: deps.ids.next(), occurredAt: new Date(now).toISOString(), ...typingStarted(channel, userId, now) };
    const message = JSON.stringify(event satisfies DomainEvent);
    await Promise.all(event.topics.map((topic) => deps.pubSub.publish(topic, message)));
  };
