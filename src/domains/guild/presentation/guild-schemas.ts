import { t } from "elysia";
import { ErrorBody, authErrors } from "../../../shared/presentation/error-schemas";
import { ChannelBody, SnowflakeString, Timestamp } from "../../channel/presentation/channel-schemas";
import { UserBody } from "../../identity/presentation/identity-schemas";
import type { Guild } from "../domain/guild";
import { fullGuildPayload, memberPayload } from "../domain/guild-payloads";
import type { GuildView } from "../application/guild-view";
import type { MemberView } from "../application/list-members";

export { SnowflakeString, Timestamp };

/** Bodies: only generous size caps here; the domain checks the real rules so every transport gets them. */
export const strict = { additionalProperties: false } as const;
export const security = [{ bearer: [] }];
/** The errors of a route on a guild or its parts: 403 50001/50013 and 404 besides the common ones. */
export const guildErrors = { 403: ErrorBody, 404: ErrorBody, ...authErrors } as const;
export const NoContent = t.Void({ description: "No Content" });

export const RoleBody = t.Object(
  {
    id: SnowflakeString,
    name: t.String(),
    color: t.Integer({ description: "RGB as an integer; 0 means none" }),
    position: t.Integer({ description: "higher ranks higher; @everyone is 0; ties rank the older role higher" }),
    permissions: t.String({ description: "permission bitfield as a decimal string" }),
    hoist: t.Boolean(),
    mentionable: t.Boolean(),
  },
  { title: "Role" },
);

const guildFields = {
  id: SnowflakeString,
  name: t.String(),
  icon: t.Nullable(t.String()),
  owner_id: SnowflakeString,
  created_at: Timestamp,
};

export const GuildBody = t.Object(
  {
    ...guildFields,
    roles: t.Array(RoleBody, { description: "lowest rank first; @everyone (id = guild id) leads" }),
    channels: t.Array(ChannelBody, { description: "the channels the caller can view" }),
  },
  { title: "Guild" },
);

export const PartialGuildBody = t.Object(
  { ...guildFields, owner: t.Boolean({ description: "true when the caller owns the guild" }) },
  { title: "PartialGuild" },
);

export const MemberBody = t.Object(
  {
    user: UserBody,
    nick: t.Nullable(t.String()),
    roles: t.Array(SnowflakeString, { description: "role ids; @everyone is implied" }),
    joined_at: Timestamp,
  },
  { title: "Member" },
);

export const GuildParams = t.Object({ id: SnowflakeString });
export const MemberParams = t.Object({ id: SnowflakeString, user_id: SnowflakeString });

export const CreateGuildBody = t.Object({ name: t.String({ description: "2–100 characters", maxLength: 1024 }) }, strict);

export const UpdateGuildBody = t.Object(
  {
    name: t.Optional(t.String({ description: "2–100 characters", maxLength: 1024 })),
    icon: t.Optional(t.Nullable(t.String({ description: "an http(s) URL of at most 512 characters; null clears it", maxLength: 2048 }))),
    owner_id: t.Optional(SnowflakeString),
  },
  strict,
);

export const toGuildBody = (view: GuildView): typeof GuildBody.static =>
  fullGuildPayload(view.guild, view.roles, view.channels) as typeof GuildBody.static;

export const toPartialGuildBody = (guild: Guild, userId: string): typeof PartialGuildBody.static => ({
  id: guild.id,
  name: guild.name,
  icon: guild.icon,
  owner_id: guild.ownerId,
  created_at: guild.createdAt.toISOString(),
  owner: guild.ownerId === userId,
});

export const toMemberBody = (view: MemberView): typeof MemberBody.static => memberPayload(view.member, view.user);
