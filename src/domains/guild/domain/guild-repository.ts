import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Guild } from "./guild";
import type { Role } from "./role";

/** Guilds. Deleting one removes everything that belongs to it (members, roles, channels, invites, bans). */
export interface GuildRepository {
  /** Inserts a new guild. */
  insert(guild: Guild): Promise<void>;
  /** The guild with this id, or null. */
  find(id: Snowflake): Promise<Guild | null>;
  /** Saves name, icon and owner. */
  update(guild: Guild): Promise<void>;
  /** Deletes the guild and all it holds. */
  delete(id: Snowflake): Promise<void>;
  /** The guilds the user is a member of, oldest first. */
  listForMember(userId: Snowflake): Promise<Guild[]>;
}

/** A guild's roles, @everyone included. */
export interface RoleRepository {
  /** Every role of the guild, lowest rank first. */
  listByGuild(guildId: Snowflake): Promise<Role[]>;
  /** Inserts a role. */
  insert(role: Role): Promise<void>;
  /** Saves every field of each role but its guild. */
  update(roles: readonly Role[]): Promise<void>;
  /** Deletes the role, takes it from every member and removes its channel overwrites. */
  delete(guildId: Snowflake, roleId: Snowflake): Promise<void>;
}
