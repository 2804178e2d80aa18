import { type AuditActor, AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { missingPermissions, permissionRefusal } from "../../../shared/kernel/common-errors";
import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserProfile } from "../../../shared/kernel/users";
import { type Webhook, WEBHOOKS_PER_CHANNEL_MAX, WEBHOOK_AUDIT_FIELDS, checkWebhookAvatar, checkWebhookName } from "../domain/webhook";
import { invalidWebhookToken, unknownWebhook, webhookLimit } from "../domain/webhook-errors";
import { webhooksUpdated } from "../domain/webhook-events";
import { memberStanding, toMessageChannel } from "./message-access";
import { ChannelType, requirePermission, viewChannel } from "../../channel";
import { notTextChannel } from "../domain/message-errors";
import type { WebhookDeps } from "./webhook-deps";

/** A webhook as the API shows it: with its creator, and its token only to whoever may hold it right now. */
export interface WebhookView {
  readonly webhook: Webhook;
  /** Null on the token routes (Discord leaves `user` out there) and when the account no longer resolves. */
  readonly creator: UserProfile | null;
  /** On creation, and on the token routes (whose caller sent it); never readable again otherwise. */
  readonly token?: string;
}

export interface WebhookChanges {
  readonly name?: string;
  /** null removes the avatar. */
  readonly avatar?: string | null;
  /** Moves the webhook to another text channel of its guild (MANAGE_WEBHOOKS there too). */
  readonly channelId?: Snowflake;
}

type Deps = Pick<WebhookDeps, "permissions" | "guilds" | "users" | "ids" | "webhooks">;

const withCreators = async (deps: Pick<Deps, "users">, webhooks: readonly Webhook[]): Promise<WebhookView[]> => {
  const ids = [...new Set(webhooks.map((webhook) => webhook.creatorId))];
  const users = new Map((ids.length === 0 ? [] : await deps.users.findUsers(ids)).map((user) => [user.id, user]));
  return webhooks.map((webhook) => ({ webhook, creator: users.get(webhook.creatorId) ?? null }));
};

/**
 * A guild text channel or forum (whose webhooks start posts) where the caller holds MANAGE_WEBHOOKS (404 10003,
 * 403 50001, 403 50013, 400 for other channels).
 */
const managedChannel = async (deps: Pick<Deps, "permissions">, userId: Snowflake, channelId: Snowflake) => {
  const resolved = await viewChannel(deps, userId, channelId);
  const channel = toMessageChannel(resolved);
  requirePermission(channel.permissions, "MANAGE_WEBHOOKS", channel.withheld);
  if (!channel.text && resolved.channel.type !== ChannelType.GUILD_FORUM) throw notTextChannel();
  if (channel.guildId === null) throw missingPermissions("MANAGE_WEBHOOKS");
  return { ...channel, guildId: channel.guildId };
};

/** A webhook whose channel the caller manages webhooks in: 404 10015 when there is none. */
const managedWebhook = async (deps: Pick<Deps, "permissions" | "webhooks">, userId: Snowflake, webhookId: Snowflake): Promise<Webhook> => {
  const webhook = await deps.webhooks.repository.find(webhookId);
  if (!webhook) throw unknownWebhook();
  await managedChannel(deps, userId, webhook.channelId);
  return webhook;
};

/** The webhook a token opens: 404 10015 when it does not exist (or was deleted), 401 50027 for another token. */
export const webhookByToken = async (deps: Pick<Deps, "webhooks">, webhookId: Snowflake, token: string): Promise<Webhook> => {
  const webhook = await deps.webhooks.repository.find(webhookId);
  if (!webhook) throw unknownWebhook();
  if (!deps.webhooks.tokens.matches(token, webhook.tokenHash)) throw invalidWebhookToken();
  return webhook;
};

/** Creates an incoming webhook in a guild text channel (WEBHOOKS_UPDATE); MANAGE_WEBHOOKS, at most 15 per channel. */
export const createWebhook =
  (deps: Deps) =>
  async (userId: Snowflake, channelId: Snowflake, input: { readonly name: string; readonly avatar?: string | null }, reason?: string): Promise<WebhookView> => {
    const channel = await managedChannel(deps, userId, channelId);
    const name = checkWebhookName(input.name);
    const avatar = checkWebhookAvatar(input.avatar ?? null);
    const { token, hash } = deps.webhooks.tokens.issue();
    const webhook: Webhook = { id: deps.ids.next(), guildId: channel.guildId, channelId, creatorId: userId, name, avatar, tokenHash: hash };
    await deps.webhooks.unitOfWork(async (repositories) => {
      if ((await repositories.webhooks.lockChannel(channelId)) >= WEBHOOKS_PER_CHANNEL_MAX) throw webhookLimit();
      await repositories.webhooks.insert(webhook);
      await repositories.record([webhooksUpdated(channel.guildId, channelId)]);
      await repositories.audit([auditEntry({ userId, reason }, channel.guildId, AuditLogEvent.WEBHOOK_CREATE, { targetId: webhook.id, changes: auditChanges(null, webhook, WEBHOOK_AUDIT_FIELDS) })]);
    });
    const [view] = await withCreators(deps, [webhook]);
    return { ...view!, token };
  };

/** A channel's webhooks (MANAGE_WEBHOOKS there). */
export const listChannelWebhooks =
  (deps: Deps) =>
  async (userId: Snowflake, channelId: Snowflake): Promise<WebhookView[]> => {
    await managedChannel(deps, userId, channelId);
    return withCreators(deps, await deps.webhooks.repository.listByChannel(channelId));
  };

/** A guild's webhooks (MANAGE_WEBHOOKS guild-wide). */
export const listGuildWebhooks =
  (deps: Deps) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<WebhookView[]> => {
    const standing = await memberStanding(deps, guildId, userId);
    if (!hasPermission(standing.permissions, Permission.MANAGE_WEBHOOKS)) throw permissionRefusal("MANAGE_WEBHOOKS", standing.withheld);
    return withCreators(deps, await deps.webhooks.repository.listByGuild(guildId));
  };

/** One webhook (MANAGE_WEBHOOKS in its channel). */
export const getWebhook =
  (deps: Deps) =>
  async (userId: Snowflake, webhookId: Snowflake): Promise<WebhookView> => {
    const [view] = await withCreators(deps, [await managedWebhook(deps, userId, webhookId)]);
    return view!;
  };

/** Saves the changes and tells the channels concerned (both, on a move); audited when a member (`actor`) made them. */
const saveChanges = async (deps: Deps, webhook: Webhook, changes: WebhookChanges, actor: AuditActor | null, moveCheck?: (target: Snowflake) => Promise<void>): Promise<Webhook> => {
  const updated: Webhook = {
    ...webhook,
    ...(changes.name !== undefined ? { name: checkWebhookName(changes.name) } : {}),
    ...(changes.avatar !== undefined ? { avatar: checkWebhookAvatar(changes.avatar) } : {}),
    ...(changes.channelId !== undefined ? { channelId: changes.channelId } : {}),
  };
  const moved = updated.channelId !== webhook.channelId;
  if (moved) await moveCheck?.(updated.channelId);
  await deps.webhooks.unitOfWork(async (repositories) => {
    if (moved && (await repositories.webhooks.lockChannel(updated.channelId)) >= WEBHOOKS_PER_CHANNEL_MAX) throw webhookLimit();
    if (!(await repositories.webhooks.update(updated))) throw unknownWebhook();
    const channels = moved ? [webhook.channelId, updated.channelId] : [webhook.channelId];
    await repositories.record(channels.map((channelId) => webhooksUpdated(webhook.guildId, channelId)));
    const audited = auditChanges(webhook, updated, WEBHOOK_AUDIT_FIELDS);
    if (actor && audited.length > 0) await repositories.audit([auditEntry(actor, webhook.guildId, AuditLogEvent.WEBHOOK_UPDATE, { targetId: webhook.id, changes: audited })]);
  });
  return updated;
};

/**
 * Renames a webhook, changes its avatar or moves it to another text channel of its guild (WEBHOOKS_UPDATE);
 * MANAGE_WEBHOOKS in its channel, and in the target channel for a move.
 */
export const updateWebhook =
  (deps: Deps) =>
  async (userId: Snowflake, webhookId: Snowflake, changes: WebhookChanges, reason?: string): Promise<WebhookView> => {
    const webhook = await managedWebhook(deps, userId, webhookId);
    const updated = await saveChanges(deps, webhook, changes, { userId, reason }, async (target) => {
      const channel = await managedChannel(deps, userId, target);
      if (channel.guildId !== webhook.guildId) throw invalidField("channel_id", "Must be a text channel of the webhook's guild.");
    });
    const [view] = await withCreators(deps, [updated]);
    return view!;
  };

/** Deletes a webhook (WEBHOOKS_UPDATE); MANAGE_WEBHOOKS in its channel. Its messages stay; its token stops working at once. */
export const deleteWebhook =
  (deps: Deps) =>
  async (userId: Snowflake, webhookId: Snowflake, reason?: string): Promise<void> => {
    const webhook = await managedWebhook(deps, userId, webhookId);
    await removeWebhook(deps, webhook, { userId, reason });
  };

/** Deletes the webhook; audited when a member (`actor`) deleted it, not its own token. */
const removeWebhook = async (deps: Pick<Deps, "webhooks">, webhook: Webhook, actor: AuditActor | null): Promise<void> =>
  deps.webhooks.unitOfWork(async (repositories) => {
    if (!(await repositories.webhooks.delete(webhook.id))) throw unknownWebhook();
    await repositories.record([webhooksUpdated(webhook.guildId, webhook.channelId)]);
    if (actor) await repositories.audit([auditEntry(actor, webhook.guildId, AuditLogEvent.WEBHOOK_DELETE, { targetId: webhook.id, changes: auditChanges(webhook, null, WEBHOOK_AUDIT_FIELDS) })]);
  });

/** The webhook its token opens, as Discord shows it there: without `user`. */
export const getWebhookWithToken =
  (deps: Deps) =>
  async (webhookId: Snowflake, token: string): Promise<WebhookView> => ({ webhook: await webhookByToken(deps, webhookId, token), creator: null, token });

/** Renames the webhook or changes its avatar with its token (no channel move without a user, as Discord). */
export const updateWebhookWithToken =
  (deps: Deps) =>
  async (webhookId: Snowflake, token: string, changes: Omit<WebhookChanges, "channelId">): Promise<WebhookView> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    return { webhook: await saveChanges(deps, webhook, { name: changes.name, avatar: changes.avatar }, null), creator: null, token };
  };

/** Deletes the webhook with its own token. */
export const deleteWebhookWithToken =
  (deps: Deps) =>
  async (webhookId: Snowflake, token: string): Promise<void> =>
    removeWebhook(deps, await webhookByToken(deps, webhookId, token), null);
