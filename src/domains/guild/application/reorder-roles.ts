import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions } from "../domain/guild-errors";
import { roleUpdated } from "../domain/guild-events";
import { canManageRole } from "../domain/hierarchy";
import { LOWEST_POSITION, type Role, byRank, isEveryone } from "../domain/role";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, requirePermission } from "./guild-context";

/** One move of PATCH /guilds/{id}/roles. */
export interface RolePosition {
  readonly id: Snowflake;
  readonly position: number;
}

/**
 * Moves roles (GUILD_ROLE_UPDATE for each that moved); MANAGE_ROLES. A role can only be moved if it is below the
 * caller's highest role, and only to a position lower than that role's; @everyone stays at 0. Answers every role.
 */
export const reorderRoles =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork">) =>
  async (userId: Snowflake, guildId: Snowflake, moves: readonly RolePosition[]): Promise<Role[]> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_ROLES");
    const byId = new Map(context.roles.map((role) => [role.id, role]));
    const moved = new Map<Snowflake, Role>();
    moves.forEach((move, index) => {
      const role = byId.get(move.id);
      if (!role) throw invalidField(`${index}.id`, `Unknown role ${move.id}.`);
      if (isEveryone(role)) throw invalidField(`${index}.id`, "The @everyone role cannot be moved.");
      if (!Number.isInteger(move.position) || move.position < LOWEST_POSITION) {
        throw invalidField(`${index}.position`, `Must be an integer of at least ${LOWEST_POSITION}.`);
      }
      // The new place must be strictly below the caller's highest position: a tie would rank by age instead.
      const { actor } = context;
      if (!canManageRole(actor, role) || (!actor.isOwner && move.position >= actor.top.position)) {
        throw missingPermissions(`role ${role.id} must stay below your highest role`);
      }
      if (move.position !== role.position) moved.set(role.id, { ...role, position: move.position });
    });
    const changed = [...moved.values()];
    if (changed.length > 0) {
      await deps.unitOfWork(async (repositories) => {
        await repositories.roles.update(changed);
        await repositories.record(changed.map(roleUpdated));
      });
    }
    return byRank(context.roles.map((role) => moved.get(role.id) ?? role));
  };
