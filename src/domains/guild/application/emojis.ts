import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { EMOJI_AUDIT_FIELDS } from "../domain/guild-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserProfile } from "../../../shared/kernel/users";
import {
  EMOJI_ROLES_MAX,
  type Emoji,
  checkEmojiName,
  checkEmojiSlots,
  decodeImageData,
  emojiImageKey,
  emojiImageType,
  isAnimated,
} from "../domain/emoji";
import { missingPermissions, unknownEmoji } from "../domain/guild-errors";
import { permissionRefusal, twoFactorRequired } from "../../../shared/kernel/common-errors";
import { emojisUpdated } from "../domain/guild-events";
import type { GuildRepositories } from "../domain/guild-unit-of-work";
import { isEveryone } from "../domain/role";
import type { GuildDeps } from "./guild-deps";
import { type GuildContext, loadGuildContext, profilesOf } from "./guild-context";

/** The guild's emoji, and their uploaders when the caller may see them (MANAGE_ or CREATE_GUILD_EXPRESSIONS). */
export interface EmojiList {
  readonly emojis: readonly Emoji[];
  readonly creators: ReadonlyMap<Snowflake, UserProfile> | null;
}

export interface CreateEmojiInput {
  readonly name: string;
  /** Discord's image data: `data:image/png;base64,…`. */
  readonly image: string;
  readonly roles?: readonly Snowflake[];
}

export interface UpdateEmojiInput {
  readonly name?: string;
  /** Null or empty: every member may use it. */
  readonly roles?: readonly Snowflake[] | null;
}

const EXPRESSIONS = Permission.MANAGE_GUILD_EXPRESSIONS | Permission.CREATE_GUILD_EXPRESSIONS;
const holds = (context: GuildContext, bit: bigint) => hasPermission(context.actor.permissions, bit);
/** Discord shows an emoji's uploader to those who may manage or create expressions. */
const seesCreators = (context: GuildContext) => (context.actor.permissions & EXPRESSIONS) !== 0n;

/** Role ids of the guild, without repeats; anything else (@everyone, another guild's role) is a 400 on `roles`. */
const checkRoles = (context: GuildContext, roleIds: readonly Snowflake[]): Snowflake[] => {
  const unique = [...new Set(roleIds)];
  if (unique.length > EMOJI_ROLES_MAX) throw invalidField("roles", `Must be ${EMOJI_ROLES_MAX} or fewer in length.`);
  for (const id of unique) {
    const role = context.roles.find((candidate) => candidate.id === id);
    if (!role || isEveryone(role)) throw invalidField("roles", `Unknown role ${id}: must be a role of the guild other than @everyone.`);
  }
  return unique;
};

/** Neither expressions permission held: 60003 when the guild's MFA level withheld MANAGE_GUILD_EXPRESSIONS. */
const expressionsRefusal = (context: GuildContext) =>
  (context.actor.withheld & EXPRESSIONS) !== 0n ? twoFactorRequired() : missingPermissions("CREATE_GUILD_EXPRESSIONS or MANAGE_GUILD_EXPRESSIONS");

/** Editing or deleting: MANAGE_GUILD_EXPRESSIONS for anyone's, CREATE_GUILD_EXPRESSIONS for one's own. */
const requireEmojiManager = (context: GuildContext, emoji: Emoji): void => {
  if (holds(context, Permission.MANAGE_GUILD_EXPRESSIONS)) return;
  if (emoji.creatorId === context.member.userId && holds(context, Permission.CREATE_GUILD_EXPRESSIONS)) return;
  if (emoji.creatorId !== context.member.userId) throw permissionRefusal("MANAGE_GUILD_EXPRESSIONS", context.actor.withheld);
  throw expressionsRefusal(context);
};

const findIn = async (deps: Pick<GuildDeps, "repositories">, guildId: Snowflake, emojiId: Snowflake): Promise<Emoji> => {
  const emoji = await deps.repositories.emojis.find(emojiId);
  if (!emoji || emoji.guildId !== guildId) throw unknownEmoji();
  return emoji;
};

/** Records GUILD_EMOJIS_UPDATE with every emoji of the guild as the transaction leaves them. */
const recordAll = async (repositories: GuildRepositories, guildId: Snowflake) =>
  repositories.record([emojisUpdated(guildId, await repositories.emojis.listByGuild(guildId))]);

/** The guild's custom emoji, oldest first; members only. */
export const listEmojis =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<EmojiList> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const emojis = await deps.repositories.emojis.listByGuild(guildId);
    const creators = seesCreators(context) ? await profilesOf(deps.users, emojis.map((emoji) => emoji.creatorId)) : null;
    return { emojis, creators };
  };

/** One custom emoji of the guild; members only; UNKNOWN_EMOJI when the guild has no such emoji. */
export const getEmoji =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, emojiId: Snowflake): Promise<EmojiList> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const emoji = await findIn(deps, guildId, emojiId);
    return { emojis: [emoji], creators: seesCreators(context) ? await profilesOf(deps.users, [emoji.creatorId]) : null };
  };

/**
 * Uploads a custom emoji (GUILD_EMOJIS_UPDATE): CREATE_ or MANAGE_GUILD_EXPRESSIONS; a PNG, GIF or WebP of at most
 * 256 KiB told by its bytes; 50 static and 50 animated per guild. The image is stored before the row commits, so an
 * emoji anyone can see always has its image.
 */
export const createEmoji =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "ids" | "emojiImages" | "imageTypes">) =>
  async (userId: Snowflake, guildId: Snowflake, input: CreateEmojiInput, reason?: string): Promise<EmojiList> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    if ((context.actor.permissions & EXPRESSIONS) === 0n) throw expressionsRefusal(context);
    const name = checkEmojiName(input.name);
    const roleIds = checkRoles(context, input.roles ?? []);
    const bytes = decodeImageData(input.image);
    const contentType = emojiImageType(await deps.imageTypes.detect(bytes));
    const animated = isAnimated(contentType, bytes);
    // Checked before the upload too, so that a full guild costs no blob write.
    checkEmojiSlots(await deps.repositories.emojis.listByGuild(guildId), animated);
    const emoji: Emoji = { id: deps.ids.next(), guildId, name, roleIds, creatorId: userId, animated, contentType };
    const key = emojiImageKey(emoji.id);
    await deps.emojiImages.put(key, bytes);
    try {
      await deps.unitOfWork(async (repositories) => {
        checkEmojiSlots(await repositories.emojis.listLocked(guildId), animated);
        await repositories.emojis.insert(emoji);
        await recordAll(repositories, guildId);
        await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.EMOJI_CREATE, { targetId: emoji.id, changes: auditChanges(null, emoji, EMOJI_AUDIT_FIELDS) })]);
      });
    } catch (error) {
      await deps.emojiImages.delete(key).catch(() => {});
      throw error;
    }
    return { emojis: [emoji], creators: await profilesOf(deps.users, [userId]) };
  };

/** Renames an emoji or changes the roles that may use it (GUILD_EMOJIS_UPDATE); see requireEmojiManager. */
export const updateEmoji =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, emojiId: Snowflake, input: UpdateEmojiInput, reason?: string): Promise<EmojiList> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const emoji = await findIn(deps, guildId, emojiId);
    requireEmojiManager(context, emoji);
    const updated: Emoji = {
      ...emoji,
      name: input.name === undefined ? emoji.name : checkEmojiName(input.name),
      roleIds: input.roles === undefined ? emoji.roleIds : checkRoles(context, input.roles ?? []),
    };
    await deps.unitOfWork(async (repositories) => {
      await repositories.emojis.update(updated);
      await recordAll(repositories, guildId);
      const changes = auditChanges(emoji, updated, EMOJI_AUDIT_FIELDS);
      if (changes.length > 0) await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.EMOJI_UPDATE, { targetId: emojiId, changes })]);
    });
    return { emojis: [updated], creators: await profilesOf(deps.users, [updated.creatorId]) };
  };

/** Deletes an emoji and then its image (GUILD_EMOJIS_UPDATE); see requireEmojiManager. Reactions with it stay. */
export const deleteEmoji =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "emojiImages">) =>
  async (userId: Snowflake, guildId: Snowflake, emojiId: Snowflake, reason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const emoji = await findIn(deps, guildId, emojiId);
    requireEmojiManager(context, emoji);
    await deps.unitOfWork(async (repositories) => {
      await repositories.emojis.delete(guildId, emojiId);
      await recordAll(repositories, guildId);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.EMOJI_DELETE, { targetId: emojiId, changes: auditChanges(emoji, null, EMOJI_AUDIT_FIELDS) })]);
    });
    // After the commit: a failure here leaves bytes nobody links to, never an emoji without its image.
    await deps.emojiImages.delete(emojiImageKey(emojiId)).catch(() => {});
  };
