import { t } from "elysia";
import { rolePayload } from "../domain/guild-payloads";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { GuildParams, UNKNOWN_ROLE } from "./guild-schemas";
import { RoleBody, RoleInputBody, RoleParams, RolePositionsBody, toRoleInput } from "./role-schemas";

const tags = ["Guilds"];

/** /guilds/{id}/roles: list, create, reorder, edit and delete roles. */
export const roleRoutes = (deps: RouteDeps<GuildUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get("/guilds/:id/roles", async ({ caller, params }) => (await useCases.listRoles(caller.userId, params.id)).map(rolePayload), {
      auth: true,
      params: GuildParams,
      response: { 200: t.Array(RoleBody), ...errorResponses({ auth: true }, ...guildFailures) },
      detail: { summary: "A guild's roles, lowest rank first", tags, security },
    })
    .post(
      "/guilds/:id/roles",
      async ({ caller, params, body, status }) => status(201, rolePayload(await useCases.createRole(caller.userId, params.id, toRoleInput(body)))),
      {
        auth: true,
        params: GuildParams,
        body: RoleInputBody,
        response: { 201: RoleBody, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "a permission the caller does not hold"), ...guildFailures, fails("LIMIT_REACHED", "the guild has 250 roles")) },
        detail: { summary: "Create a role just above @everyone (MANAGE_ROLES; at most 250 per guild)", tags, security },
      },
    )
    .patch(
      "/guilds/:id/roles",
      async ({ caller, params, body }) => (await useCases.reorderRoles(caller.userId, params.id, body)).map(rolePayload),
      {
        auth: true,
        params: GuildParams,
        body: RolePositionsBody,
        response: { 200: t.Array(RoleBody), ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "a role or position not below the caller's highest role"), ...guildFailures, UNKNOWN_ROLE) },
        detail: { summary: "Move roles ([{id, position}]) below the caller's highest (MANAGE_ROLES)", tags, security },
      },
    )
    .patch(
      "/guilds/:id/roles/:role_id",
      async ({ caller, params, body }) => rolePayload(await useCases.updateRole(caller.userId, params.id, params.role_id, toRoleInput(body))),
      {
        auth: true,
        params: RoleParams,
        body: RoleInputBody,
        response: { 200: RoleBody, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "the role is not below the caller's highest role", "a permission the caller does not hold"), ...guildFailures, UNKNOWN_ROLE) },
        detail: { summary: "Edit a role below the caller's highest (MANAGE_ROLES; only permissions the caller has)", tags, security },
      },
    )
    .delete(
      "/guilds/:id/roles/:role_id",
      async ({ caller, params }) => useCases.deleteRole(caller.userId, params.id, params.role_id).then(noContent),
      {
        auth: true,
        params: RoleParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_ROLE, fails("VALIDATION", "@everyone cannot be deleted")) },
        detail: { summary: "Delete a role below the caller's highest (MANAGE_ROLES; never @everyone)", tags, security },
      },
    );
};
