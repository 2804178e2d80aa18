import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake, SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { EmojiImageStore, ImageTypeDetector } from "../domain/emoji-repository";
import type { GuildChannels } from "../domain/guild-channels";
import type { GuildReadRepositories, GuildUnitOfWork } from "../domain/guild-unit-of-work";
import type { RandomBytes } from "../domain/invite";
import type { MemberVoiceModeration } from "../domain/member-voice";
import type { UserDirectory } from "../../../shared/kernel/users";

/** Every port the guild use cases take; each use case picks the ones it needs. */
export interface GuildDeps {
  /** Writes that must commit together, events included. */
  readonly unitOfWork: GuildUnitOfWork;
  /** Reads outside any transaction. */
  readonly repositories: GuildReadRepositories;
  readonly users: UserDirectory;
  /** Whether an account has two-factor login enabled (the identity domain's), for the guild's MFA level. */
  readonly twoFactorEnabled: (userId: Snowflake) => Promise<boolean>;
  readonly channels: GuildChannels;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  /** The CSPRNG invite codes are drawn from; tests may fix it. */
  readonly random?: RandomBytes;
  /** Server mute, deafen and disconnect (the voice domain's), for the voice fields of a member PATCH. */
  readonly memberVoice?: MemberVoiceModeration;
  /** Where custom emoji images are kept (the blob store), and what tells their type from their bytes. */
  readonly emojiImages: EmojiImageStore;
  readonly imageTypes: ImageTypeDetector;
}
