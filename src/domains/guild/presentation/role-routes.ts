import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { rolePayload } from "../domain/guild-payloads";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { GuildParams, UNKNOWN_ROLE } from "./guild-schemas";
import { RoleBody, RoleInputBody, RoleParams, RolePositionsBody, toRoleInput } from "./role-schemas";

const { group, route } = routesTagged(["Guilds"]);

/** /guilds/{id}/roles: list, create, reorder, edit and delete roles. */
export const roleRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return group(deps)
    .get(
      "/guilds/:id/roles",
      async ({ caller, params }) => (await useCases.listRoles(caller.userId, params.id)).map(rolePayload),
      route({ summary: "A guild's roles, lowest rank first", schemas: { params: GuildParams }, ok: { 200: t.Array(RoleBody) }, failures: guildFailures }),
    )
    .post(
      "/guilds/:id/roles",
      async ({ caller, params, body, status, request }) => status(201, rolePayload(await useCases.createRole(caller.userId, params.id, toRoleInput(body), auditReason(request)))),
      route({ summary: "Create a role just above @everyone (MANAGE_ROLES; at most 250 per guild)", schemas: { params: GuildParams, body: RoleInputBody }, ok: { 201: RoleBody }, failures: [lacks("MANAGE_ROLES", "a permission the caller does not hold"), ...guildFailures, fails("LIMIT_REACHED", "the guild has 250 roles")] }),
    )
    .patch(
      "/guilds/:id/roles",
      async ({ caller, params, body }) => (await useCases.reorderRoles(caller.userId, params.id, body)).map(rolePayload),
      route({ summary: "Move roles ([{id, position}]) below the caller's highest (MANAGE_ROLES)", schemas: { params: GuildParams, body: RolePositionsBody }, ok: { 200: t.Array(RoleBody) }, failures: [lacks("MANAGE_ROLES", "a role or position not below the caller's highest role"), ...guildFailures, UNKNOWN_ROLE] }),
    )
    .patch(
      "/guilds/:id/roles/:role_id",
      async ({ caller, params, body, request }) => rolePayload(await useCases.updateRole(caller.userId, params.id, params.role_id, toRoleInput(body), auditReason(request))),
      route({ summary: "Edit a role below the caller's highest (MANAGE_ROLES; only permissions the caller has)", schemas: { params: RoleParams, body: RoleInputBody }, ok: { 200: RoleBody }, failures: [lacks("MANAGE_ROLES", "the role is not below the caller's highest role", "a permission the caller does not hold"), ...guildFailures, UNKNOWN_ROLE] }),
    )
    .delete(
      "/guilds/:id/roles/:role_id",
      async ({ caller, params, request }) => useCases.deleteRole(caller.userId, params.id, params.role_id, auditReason(request)).then(noContent),
      route({ summary: "Delete a role below the caller's highest (MANAGE_ROLES; never @everyone)", schemas: { params: RoleParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_ROLES", "the role is not below the caller's highest role"), ...guildFailures, UNKNOWN_ROLE, fails("VALIDATION", "@everyone cannot be deleted")] }),
    );
};
