import { t } from "elysia";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { errorResponses, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { GuildParams, MemberBody, MemberParams, UNKNOWN_MEMBER, UNKNOWN_ROLE, toMemberBody } from "./guild-schemas";
import { MemberRoleParams, MembersQuery, UpdateMemberBody } from "./member-schemas";

const tags = ["Guilds"];

/** /guilds/{id}/members[/{user_id}[/roles/{role_id}]]: listing, nicknames, roles and kicks. */
export const memberRoutes = (deps: RouteDeps<GuildUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get(
      "/guilds/:id/members",
      async ({ caller, params, query }) =>
        (await useCases.listMembers(caller.userId, params.id, { limit: query.limit ?? 1, after: query.after })).map(toMemberBody),
      {
        auth: true,
        params: GuildParams,
        query: MembersQuery,
        response: { 200: t.Array(MemberBody), ...errorResponses({ auth: true }, ...guildFailures) },
        detail: { summary: "A page of members by ascending user id (limit 1–1000, default 1; after = a user id)", tags, security },
      },
    )
    .get(
      "/guilds/:id/members/:user_id",
      async ({ caller, params }) => toMemberBody(await useCases.getMember(caller.userId, params.id, params.user_id)),
      {
        auth: true,
        params: MemberParams,
        response: { 200: MemberBody, ...errorResponses({ auth: true }, ...guildFailures, UNKNOWN_MEMBER) },
        detail: { summary: "One member of a guild", tags, security },
      },
    )
    .patch(
      "/guilds/:id/members/:user_id",
      async ({ caller, params, body }) =>
        toMemberBody(await useCases.updateMember(caller.userId, params.id, params.user_id, { nick: body.nick, roles: body.roles })),
      {
        auth: true,
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberBody, ...errorResponses({ auth: true }, lacks("CHANGE_NICKNAME (own nick)", "MANAGE_NICKNAMES (another's)", "MANAGE_ROLES (roles)", "the target or a role is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE) },
        detail: {
          summary: "Change a member's nick (own: CHANGE_NICKNAME, others: MANAGE_NICKNAMES) or roles (MANAGE_ROLES), within the hierarchy",
          tags,
          security,
        },
      },
    )
    .delete(
      "/guilds/:id/members/:user_id",
      async ({ caller, params }) => useCases.kickMember(caller.userId, params.id, params.user_id).then(noContent),
      {
        auth: true,
        params: MemberParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("KICK_MEMBERS", "the member is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER) },
        detail: { summary: "Kick a member ranked below the caller (KICK_MEMBERS)", tags, security },
      },
    )
    .put(
      "/guilds/:id/members/:user_id/roles/:role_id",
      async ({ caller, params }) => useCases.addMemberRole(caller.userId, params.id, params.user_id, params.role_id).then(noContent),
      {
        auth: true,
        params: MemberRoleParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE) },
        detail: { summary: "Give a member a role below the caller's highest (MANAGE_ROLES)", tags, security },
      },
    )
    .delete(
      "/guilds/:id/members/:user_id/roles/:role_id",
      async ({ caller, params }) => useCases.removeMemberRole(caller.userId, params.id, params.user_id, params.role_id).then(noContent),
      {
        auth: true,
        params: MemberRoleParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_MEMBER, UNKNOWN_ROLE) },
        detail: { summary: "Take a role below the caller's highest from a member (MANAGE_ROLES)", tags, security },
      },
    );
};
