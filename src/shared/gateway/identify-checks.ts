import type { Activity, PresenceInput, Viewer } from "./gateway-ports";
import { type ActivityInput, CloseCode, type IdentifyPayload, MAX_SHARDS, type PresenceUpdatePayload } from "./gateway-protocol";
import { VALID_INTENTS, disallowedIntents } from "./intents";
import type { IdentifyOptions } from "./session-profile";

/** IDENTIFY's options as the session keeps them, or the close code that refuses them (Discord's). */
export type IdentifyCheck = { readonly options: IdentifyOptions } | { readonly refuse: { readonly code: number; readonly reason: string } };

const refuse = (code: number, reason: string): IdentifyCheck => ({ refuse: { code, reason } });

/**
 * Checks what IDENTIFY asks for beyond the token: intents are Discord's bits (4013 otherwise; a bot must send them),
 * privileged ones enabled by the bot's application flags (4014), and `shard` is `[id, count]` with
 * `0 <= id < count <= MAX_SHARDS` (4010).
 */
export const checkIdentify = (payload: IdentifyPayload, viewer: Viewer): IdentifyCheck => {
  const { intents, shard } = payload;
  if (intents === undefined) {
    if (viewer.bot) return refuse(CloseCode.InvalidIntents, "Invalid intent(s): a bot must send intents");
  } else if (intents < 0 || intents > VALID_INTENTS || (intents & ~VALID_INTENTS) !== 0) {
    return refuse(CloseCode.InvalidIntents, "Invalid intent(s)");
  } else if (viewer.bot && disallowedIntents(intents, viewer.bot.flags) !== 0) {
    return refuse(CloseCode.DisallowedIntents, "Disallowed intent(s)");
  }
  if (shard !== undefined) {
    const [id, count] = shard as [number, number];
    if (count < 1 || count > MAX_SHARDS || id < 0 || id >= count) return refuse(CloseCode.InvalidShard, "Invalid shard");
  }
  return {
    options: {
      ...(intents === undefined ? {} : { intents }),
      ...(shard === undefined ? {} : { shard: [shard[0]!, shard[1]!] as const }),
      ...(payload.large_threshold === undefined ? {} : { largeThreshold: payload.large_threshold }),
      ...(payload.compress ? { compress: true } : {}),
    },
  };
};

/** An activity as kept: the fields a client may set, stamped with when it was set. */
const activityOf = (input: ActivityInput, now: number): Activity => ({
  name: input.name,
  type: input.type ?? 0,
  ...(input.url == null ? {} : { url: input.url }),
  ...(input.state == null ? {} : { state: input.state }),
  ...(input.details == null ? {} : { details: input.details }),
  created_at: now,
});

/**
 * Op 3's (or IDENTIFY's) presence as the presence domain takes it: a missing or null status is `online`, and
 * activities are left as they were unless `activities` (or IDENTIFY's legacy `game`) is given.
 */
export const presenceInputOf = (presence: PresenceUpdatePayload & { game?: ActivityInput | null }, now: number): PresenceInput => {
  const status = presence.status === "offline" ? "invisible" : (presence.status ?? "online");
  const activities = presence.activities ?? (presence.game === undefined ? undefined : presence.game === null ? [] : [presence.game]);
  return activities === undefined ? { status } : { status, activities: activities.map((activity) => activityOf(activity, now)) };
};
