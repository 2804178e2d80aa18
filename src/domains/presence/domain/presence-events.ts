import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Activity, VisibleStatus } from "./presence";

/**
 * A user's status and activities as the members of one guild see it. Ephemeral: pub/sub only, never the outbox.
 * `activities` may be absent in an event from a node that predates them.
 */
export type PresenceUpdated = DomainEvent<
  "PRESENCE_UPDATED",
  { readonly user_id: Snowflake; readonly guild_id: Snowflake; readonly status: VisibleStatus; readonly activities?: readonly Activity[] }
>;
export type PresenceEvent = PresenceUpdated;

/** One per guild: each guild's topic hears its own, so the gateway need not filter by guild. */
export const presenceUpdated = (userId: Snowflake, guildId: Snowflake, status: VisibleStatus, activities: readonly Activity[]): Unrecorded<PresenceUpdated> => ({
  type: "PRESENCE_UPDATED",
  topics: [topics.guild(guildId)],
  data: { user_id: userId, guild_id: guildId, status, activities },
});
