import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ChannelType, type DmChannel, dmPair } from "../domain/channel";
import { cannotMessageUser, unknownUser } from "../../../shared/kernel/common-errors";
import { dmCreated } from "../domain/channel-events";
import type { ChannelDeps } from "./channel-deps";
import { type ChannelView, withRecipients } from "./get-channel";

/**
 * Opens the DM between the caller and a recipient (CHANNEL_CREATE to both), or returns the one they already share:
 * A→B and B→A get the same channel, even when created at the same moment. Unknown or deleted users are 404 10013;
 * a recipient who blocked the caller is 403 50007, as on Discord (which says no more than that).
 */
export const openDm =
  (deps: Pick<ChannelDeps, "channels" | "unitOfWork" | "users" | "blocks" | "ids">) =>
  async (userId: Snowflake, recipientId: Snowflake): Promise<ChannelView & { created: boolean }> => {
    if (recipientId === userId) throw invalidField("recipient_id", "Cannot open a DM with yourself.");
    const [users, blocks] = await Promise.all([deps.users.findUsers([userId, recipientId]), deps.blocks.of(userId)]);
    const me = users.find((user) => user.id === userId);
    const recipient = users.find((user) => user.id === recipientId);
    if (!me || !recipient || recipient.deleted) throw unknownUser();
    if (blocks.blockedBy.has(recipientId)) throw cannotMessageUser();
    const pair = dmPair(userId, recipientId);
    const existing = await deps.channels.findDm(pair);
    if (existing) return { channel: existing, recipients: [recipient], created: false };
    const channel: DmChannel = { id: deps.ids.next(), type: ChannelType.DM, recipientIds: pair, lastMessageId: null };
    const created = await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.channels.insertDm(channel))) return false;
      await repositories.record(dmCreated(channel, [me, recipient]));
      return true;
    });
    // A concurrent open of the same pair won the unique index; its channel is committed by now.
    const winner = created ? channel : await deps.channels.findDm(pair);
    if (!winner) throw new Error(`DM of ${pair.join(",")} vanished`);
    return { channel: winner, recipients: [recipient], created };
  };

/** The caller's DM channels, newest first, each with the other participant. */
export const listDms =
  (deps: Pick<ChannelDeps, "channels" | "users">) =>
  async (userId: Snowflake): Promise<ChannelView[]> =>
    withRecipients(deps, userId, await deps.channels.listDms(userId));
