import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { HttpUrlString, Ignored, IntegerInput, ResponseInteger, SnowflakeString, Timestamp, exampleOf, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { ChannelBody } from "../../channel";
import { UserBody } from "../../identity";
import { GUILD_NAME_MAX, GUILD_NAME_MIN, type Guild, ICON_MAX } from "../domain/guild";
import { fullGuildPayload, memberPayload } from "../domain/guild-payloads";
import type { GuildView } from "../application/guild-view";
import type { MemberView } from "../application/list-members";


/** Bodies carry the documented bounds, so a client's first error names the real rule; the domain checks them again for every transport. */
export const strict = { additionalProperties: false } as const;
export const UNKNOWN_MEMBER = fails("UNKNOWN_MEMBER", "the user is not a member of the guild");
export const UNKNOWN_ROLE = fails("UNKNOWN_ROLE", "no such role in the guild");
/** Guild limits: 200 guilds per user. */
export const TOO_MANY_GUILDS = fails("LIMIT_REACHED", "the caller is already in 200 guilds");

export const RoleBody = t.Object(
  {
    id: SnowflakeString,
    name: t.String(),
    color: ResponseInteger({ description: "RGB as an integer; 0 means none" }),
    position: ResponseInteger({ description: "higher ranks higher; @everyone is 0; ties rank the older role higher" }),
    permissions: t.String({ description: "permission bitfield as a decimal string" }),
    hoist: t.Boolean(),
    mentionable: t.Boolean(),
    managed: t.Boolean({ description: "true for a bot's managed role: made when the bot is added, deleted when it leaves; never given, taken or deleted by people" }),
    tags: t.Optional(t.Object({ bot_id: SnowflakeString }, { description: "on a bot's managed role: the bot's user id" })),
  },
  {
    title: "Role",
    examples: [{ id: "1234567890123456791", name: "Moderators", color: 3447003, position: 1, permissions: "8192", hoist: true, mentionable: false, managed: false }],
  },
);

export const EmojiBody = t.Object(
  {
    id: SnowflakeString,
    name: t.String({ description: "2–32 letters, digits and underscores" }),
    roles: t.Array(SnowflakeString, { description: "the roles allowed to use it; empty for every member" }),
    // Who uploaded it: on REST, to members with MANAGE_GUILD_EXPRESSIONS or CREATE_GUILD_EXPRESSIONS (UserBody keeps its own description).
    user: t.Optional(UserBody),
    require_colons: t.Literal(true),
    managed: t.Literal(false),
    animated: t.Boolean({ description: "true for a GIF or an animated WebP" }),
    available: t.Literal(true),
  },
  {
    title: "Emoji",
    description: "A custom emoji; `user`, who uploaded it, only in REST answers to members with MANAGE_GUILD_EXPRESSIONS or CREATE_GUILD_EXPRESSIONS",
    examples: [{ id: "1234567890123456795", name: "party_parrot", roles: [], require_colons: true, managed: false, animated: true, available: true }],
  },
);

const guildFields = {
  id: SnowflakeString,
  name: t.String(),
  icon: t.Nullable(t.String()),
  owner_id: SnowflakeString,
  created_at: Timestamp,
  mfa_level: ResponseInteger({ description: "0 none, 1 elevated: members without two-factor login lose the moderation permissions (docs/rest.md)" }),
};

const GUILD_EXAMPLE = {
  id: "1234567890123456789",
  name: "My Guild",
  icon: null,
  owner_id: "1234567890123456700",
  created_at: "2025-01-01T12:00:00.000Z",
  mfa_level: 0,
};

export const GuildBody = t.Object(
  {
    ...guildFields,
    roles: t.Array(RoleBody, { description: "lowest rank first; @everyone (id = guild id) leads" }),
    channels: t.Array(ChannelBody, { description: "the channels the caller can view" }),
    emojis: t.Array(EmojiBody, { description: "the guild's custom emoji, oldest first" }),
  },
  {
    title: "Guild",
    examples: [
      {
        ...GUILD_EXAMPLE,
        roles: [
          {
            id: GUILD_EXAMPLE.id,
            name: "@everyone",
            color: 0,
            position: 0,
            permissions: "104324673",
            hoist: false,
            mentionable: false,
          },
        ],
        channels: [exampleOf(ChannelBody)],
        emojis: [],
      },
    ],
  },
);

const { mfa_level: _mfaLevel, ...partialGuildFields } = guildFields;
const { mfa_level: _mfaExample, ...PARTIAL_GUILD_EXAMPLE } = GUILD_EXAMPLE;

/** Discord's body and answer of POST /guilds/{id}/mfa. */
export const GuildMfaBody = t.Object(
  { level: IntegerInput({ minimum: 0, maximum: 1, description: "0 none, 1 elevated" }) },
  { ...strict, title: "GuildMfaLevel", examples: [{ level: 1 }] },
);

export const PartialGuildBody = t.Object(
  { ...partialGuildFields, owner: t.Boolean({ description: "true when the caller owns the guild" }) },
  { title: "PartialGuild", examples: [{ ...PARTIAL_GUILD_EXAMPLE, owner: true }] },
);

export const MemberBody = t.Object(
  {
    user: UserBody,
    nick: t.Nullable(t.String()),
    roles: t.Array(SnowflakeString, { description: "role ids; @everyone is implied" }),
    joined_at: Timestamp,
  },
  {
    title: "Member",
    examples: [{ user: exampleOf(UserBody), nick: "Ali", roles: ["1234567890123456791"], joined_at: "2025-01-01T12:00:00.000Z" }],
  },
);

export const GuildParams = t.Object({ id: SnowflakeString });
export const MemberParams = t.Object({ id: SnowflakeString, user_id: SnowflakeString });

const guildName = t.String({ description: `${GUILD_NAME_MIN}–${GUILD_NAME_MAX} characters`, minLength: GUILD_NAME_MIN, maxLength: GUILD_NAME_MAX });

export const CreateGuildBody = t.Object(
  {
    name: guildName,
    ...ignoredDiscordFields({
      region: Ignored.string(64),
      icon: Ignored.string(ICON_MAX * 4),
      verification_level: Ignored.integer(),
      default_message_notifications: Ignored.integer(),
      explicit_content_filter: Ignored.integer(),
      roles: Ignored.list(250),
      channels: Ignored.list(500),
      afk_channel_id: Ignored.snowflake(),
      afk_timeout: Ignored.integer(),
      system_channel_id: Ignored.snowflake(),
      system_channel_flags: Ignored.integer(),
    }),
  },
  { ...strict, examples: [{ name: "My Guild" }] },
);

export const UpdateGuildBody = t.Object(
  {
    name: t.Optional(guildName),
    icon: t.Optional(t.Nullable(HttpUrlString(ICON_MAX, `an http(s) URL of at most ${ICON_MAX} characters; null clears it`))),
    owner_id: t.Optional(SnowflakeString),
    ...ignoredDiscordFields({
      region: Ignored.string(64),
      verification_level: Ignored.integer(),
      default_message_notifications: Ignored.integer(),
      explicit_content_filter: Ignored.integer(),
      afk_channel_id: Ignored.snowflake(),
      afk_timeout: Ignored.integer(),
      splash: Ignored.string(ICON_MAX * 4),
      discovery_splash: Ignored.string(ICON_MAX * 4),
      banner: Ignored.string(ICON_MAX * 4),
      system_channel_id: Ignored.snowflake(),
      system_channel_flags: Ignored.integer(),
      rules_channel_id: Ignored.snowflake(),
      public_updates_channel_id: Ignored.snowflake(),
      safety_alerts_channel_id: Ignored.snowflake(),
      preferred_locale: Ignored.string(16),
      features: Ignored.list(64),
      description: Ignored.string(1024),
      premium_progress_bar_enabled: Ignored.boolean(),
    }),
  },
  { ...strict, examples: [{ name: "My Renamed Guild", icon: "https://example.com/icon.png" }] },
);

export const toGuildBody = (view: GuildView): typeof GuildBody.static =>
  fullGuildPayload(view.guild, view.roles, view.channels, view.emojis) as typeof GuildBody.static;

export const toPartialGuildBody = (guild: Guild, userId: string): typeof PartialGuildBody.static => ({
  id: guild.id,
  name: guild.name,
  icon: guild.icon,
  owner_id: guild.ownerId,
  created_at: guild.createdAt.toISOString(),
  owner: guild.ownerId === userId,
});

export const toMemberBody = (view: MemberView): typeof MemberBody.static => memberPayload(view.member, view.user);
