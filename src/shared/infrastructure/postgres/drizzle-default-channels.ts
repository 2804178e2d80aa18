import { defaultGuildChannels } from "../../../domains/channel/domain/channel";
import { channelPayload } from "../../../domains/channel/domain/channel-events";
import type { ChannelPayload, DefaultChannels } from "../../../domains/guild/domain/guild-channels";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import type { DbExecutor } from "./database";
import { DrizzleChannelRepository } from "./drizzle-channel-repository";

/**
 * A new guild's channels, written with the guild's own transaction so that guild and channels commit together.
 * The channel domain decides what they are; this adapter only persists them.
 */
export class DrizzleDefaultChannels implements DefaultChannels {
  constructor(
    private readonly tx: DbExecutor,
    private readonly ids: SnowflakeGenerator,
  ) {}

  async createDefaults(guildId: string): Promise<ChannelPayload[]> {
    const repository = new DrizzleChannelRepository(this.tx);
    const created = defaultGuildChannels(guildId, () => this.ids.next());
    for (const channel of created) await repository.insert(channel);
    return created.map((channel) => channelPayload(channel));
  }
}
