import type { Emoji } from "../domain/emoji";
import type { Guild } from "../domain/guild";
import type { ChannelPayload } from "../domain/guild-channels";
import type { Role } from "../domain/role";

/** A guild with its roles and the channels the caller can see: what GET /guilds/{id} answers. */
export interface GuildView {
  readonly guild: Guild;
  readonly roles: readonly Role[];
  readonly channels: readonly ChannelPayload[];
  /** Its custom emoji (none for a guild just made). */
  readonly emojis?: readonly Emoji[];
}
