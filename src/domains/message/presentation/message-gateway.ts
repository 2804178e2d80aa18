import type { DispatchRule, DispatchRules, ReadyContributor } from "../../../shared/gateway/gateway-ports";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import { TYPING_STARTED, type TypingStartedData } from "../application/typing";
import type { MessageUseCases } from "./message-module";

/** Seed event names → the gateway dispatch names of API.md. */
const DISPATCH_NAMES = {
  MESSAGE_SENT: "MESSAGE_CREATE",
  MESSAGE_UPDATED: "MESSAGE_UPDATE",
  MESSAGE_DELETED: "MESSAGE_DELETE",
  MESSAGE_DELETED_BULK: "MESSAGE_DELETE_BULK",
  MESSAGE_REACTION_ADDED: "MESSAGE_REACTION_ADD",
  MESSAGE_REACTION_REMOVED: "MESSAGE_REACTION_REMOVE",
  CHANNEL_PINS_UPDATED: "CHANNEL_PINS_UPDATE",
  MESSAGE_READ: "MESSAGE_ACK",
  [TYPING_STARTED]: "TYPING_START",
} as const;

interface ChannelEventData {
  readonly channel_id: string;
  readonly guild_id?: string;
}

/** A user's permissions in a channel (0 when they cannot see it); the gateway's node-wide cached answer, a value once known. */
export type ChannelPermissions = (userId: string, channelId: string) => Promise<bigint> | bigint;

/**
 * MESSAGE_CREATE and the rest, TYPING_START (not to the typist) and MESSAGE_ACK. Guild channel events reach only
 * sessions whose user has VIEW_CHANNEL there; DM and read-receipt events travel on `user:` topics only to those
 * allowed, so they need no check.
 */
export const messageDispatchRules = (channelPermissions: ChannelPermissions): DispatchRules => {
  const rule =
    (t: string): DispatchRule =>
    (event, viewer) => {
      const data = event.data as ChannelEventData;
      const delivery = { dispatches: [{ t, d: event.data }] };
      if (!data.guild_id) return delivery;
      const decide = (permissions: bigint) => (hasPermission(permissions, Permission.VIEW_CHANNEL) ? delivery : null);
      // Decided in the same turn when the answer is known: a fan-out to thousands of sessions waits on no promise.
      const permissions = channelPermissions(viewer.userId, data.channel_id);
      return typeof permissions === "bigint" ? decide(permissions) : permissions.then(decide);
    };
  const rules: Record<string, DispatchRule> = Object.fromEntries(Object.entries(DISPATCH_NAMES).map(([type, t]) => [type, rule(t)]));
  const typing = rules[TYPING_STARTED] as DispatchRule;
  rules[TYPING_STARTED] = (event, viewer) => ((event.data as TypingStartedData).user_id === viewer.userId ? null : typing(event, viewer));
  return rules;
};

/** READY `read_state`: the channels the user acknowledged or was mentioned in, with mention counts. */
export const messageReady =
  (useCases: Pick<MessageUseCases, "readStates">): ReadyContributor =>
  async (viewer) => ({
    read_state: (await useCases.readStates(viewer.userId)).map((state) => ({
      channel_id: state.channelId,
      last_message_id: state.lastMessageId,
      mention_count: state.mentionCount,
    })),
  });
