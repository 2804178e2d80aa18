import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { GuildParams, MemberBody, MemberParams, UNKNOWN_MEMBER, UNKNOWN_ROLE, toMemberBody } from "./guild-schemas";
import { MemberRoleParams, MembersQuery, UpdateMemberBody } from "./member-schemas";

const { group, route } = routesTagged(["Guilds"]);

/** /guilds/{id}/members[/{user_id}[/roles/{role_id}]]: listing, nicknames, roles and kicks. */
export const memberRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return group(deps)
    .get(
      "/guilds/:id/members",
      async ({ caller, params, query }) =>
        (await useCases.listMembers(caller.userId, params.id, { limit: query.limit ?? 1, after: query.after })).map(toMemberBody),
      route({ summary: "A page of members by ascending user id (limit 1–1000, default 1; after = a user id)", schemas: { params: GuildParams, query: MembersQuery }, ok: { 200: t.Array(MemberBody) }, failures: guildFailures }),
    )
    .get(
      "/guilds/:id/members/:user_id",
      async ({ caller, params }) => toMemberBody(await useCases.getMember(caller.userId, params.id, params.user_id)),
      route({ summary: "One member of a guild", schemas: { params: MemberParams }, ok: { 200: MemberBody }, failures: [...guildFailures, UNKNOWN_MEMBER] }),
    )
    .patch(
      "/guilds/:id/members/:user_id",
      async ({ caller, params, body, request }) =>
        toMemberBody(await useCases.updateMember(caller.userId, params.id, params.user_id, {
          nick: body.nick,
          roles: body.roles,
          voice: { mute: body.mute, deaf: body.deaf, disconnect: body.channel_id === null },
        }, auditReason(request))),
      route({ summary: "Change a member's nick (own: CHANGE_NICKNAME, others: MANAGE_NICKNAMES) or roles (MANAGE_ROLES), within the hierarchy; server mute, deafen or disconnect them (Discord's voice fields)", schemas: { params: MemberParams, body: UpdateMemberBody }, ok: { 200: MemberBody }, failures: [lacks("CHANGE_NICKNAME (own nick)", "MANAGE_NICKNAMES (another's)", "MANAGE_ROLES (roles)", "the target or a role is not below the caller's highest role", "MUTE_MEMBERS (mute)", "DEAFEN_MEMBERS (deaf)", "MOVE_MEMBERS (channel_id null)"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE] }),
    )
    .delete(
      "/guilds/:id/members/:user_id",
      async ({ caller, params, request }) => useCases.kickMember(caller.userId, params.id, params.user_id, auditReason(request)).then(noContent),
      route({ summary: "Kick a member ranked below the caller (KICK_MEMBERS)", schemas: { params: MemberParams }, ok: { 204: NoContent }, failures: [lacks("KICK_MEMBERS", "the member is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER] }),
    )
    .put(
      "/guilds/:id/members/:user_id/roles/:role_id",
      async ({ caller, params, request }) => useCases.addMemberRole(caller.userId, params.id, params.user_id, params.role_id, auditReason(request)).then(noContent),
      route({ summary: "Give a member a role below the caller's highest (MANAGE_ROLES)", schemas: { params: MemberRoleParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE] }),
    )
    .delete(
      "/guilds/:id/members/:user_id/roles/:role_id",
      async ({ caller, params, request }) => useCases.removeMemberRole(caller.userId, params.id, params.user_id, params.role_id, auditReason(request)).then(noContent),
      route({ summary: "Take a role below the caller's highest from a member (MANAGE_ROLES)", schemas: { params: MemberRoleParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE] }),
    );
};
