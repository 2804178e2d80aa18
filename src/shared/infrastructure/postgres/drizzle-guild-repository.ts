import { asc, eq, sql } from "drizzle-orm";
import type { Guild } from "../../../domains/guild/domain/guild";
import type { GuildRepository } from "../../../domains/guild/domain/guild-repository";
import { isSnowflake } from "../../kernel/snowflake";
import { type DbExecutor, preparedOnce } from "./database";
import { guilds, members } from "./guild-schema";

type GuildRow = typeof guilds.$inferSelect;

const toGuild = (row: GuildRow): Guild => ({
  id: row.id,
  name: row.name,
  icon: row.icon,
  ownerId: row.ownerId,
  createdAt: row.createdAt,
  mfaLevel: row.mfaLevel === 1 ? 1 : 0,
});

/** Guilds in Postgres; deleting one cascades to everything it holds (see guild-schema.ts). */
export class DrizzleGuildRepository implements GuildRepository {
  /** READY reads it for every session that identifies. */
  private readonly forMemberQuery = preparedOnce(() =>
    this.db
      .select({ guild: guilds })
      .from(members)
      .innerJoin(guilds, eq(guilds.id, members.guildId))
      .where(eq(members.userId, sql.placeholder("userId")))
      .orderBy(asc(guilds.id))
      .prepare("guilds_for_member"),
  );

  constructor(private readonly db: DbExecutor) {}

  async insert(guild: Guild): Promise<void> {
    await this.db.insert(guilds).values(guild);
  }

  async find(id: string): Promise<Guild | null> {
    if (!isSnowflake(id)) return null;
    const [row] = await this.db.select().from(guilds).where(eq(guilds.id, id)).limit(1);
    return row ? toGuild(row) : null;
  }

  async update(guild: Guild): Promise<void> {
    await this.db.update(guilds).set({ name: guild.name, icon: guild.icon, ownerId: guild.ownerId, mfaLevel: guild.mfaLevel }).where(eq(guilds.id, guild.id));
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(guilds).where(eq(guilds.id, id));
  }

  async listForMember(userId: string): Promise<Guild[]> {
    const rows = await this.forMemberQuery().execute({ userId });
    return rows.map((row) => toGuild(row.guild));
  }
}
