import { and, asc, desc, eq } from "drizzle-orm";
import type { RoleRepository } from "../../../domains/guild/domain/guild-repository";
import type { Role } from "../../../domains/guild/domain/role";
import { permissionOverwrites } from "./channel-schema";
import type { DbExecutor } from "./database";
import { roles } from "./guild-schema";

/** A guild's roles in Postgres. */
export class DrizzleRoleRepository implements RoleRepository {
  constructor(private readonly db: DbExecutor) {}

  async listByGuild(guildId: string): Promise<Role[]> {
    // Lowest rank first: position, then on ties the newer (larger id) role below the older one.
    return this.db.select().from(roles).where(eq(roles.guildId, guildId)).orderBy(asc(roles.position), desc(roles.id));
  }

  async insert(role: Role): Promise<void> {
    await this.db.insert(roles).values(role);
  }

  async update(changed: readonly Role[]): Promise<void> {
    for (const role of changed) {
      const { id, guildId, ...fields } = role;
      await this.db
        .update(roles)
        .set(fields)
        .where(and(eq(roles.id, id), eq(roles.guildId, guildId)));
    }
  }

  async delete(guildId: string, roleId: string): Promise<void> {
    // Overwrites cannot reference roles by foreign key (a target is a role or a member), so they go by hand.
    await this.db.delete(permissionOverwrites).where(and(eq(permissionOverwrites.targetId, roleId), eq(permissionOverwrites.type, 0)));
    await this.db.delete(roles).where(and(eq(roles.id, roleId), eq(roles.guildId, guildId)));
  }
}
