import type { Clock } from "../../../shared/kernel/clock";
import type { RateLimiter } from "../../../shared/kernel/ports";
import type { SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { ChannelRepository } from "../domain/channel-repository";
import type { ChannelUnitOfWork } from "../domain/channel-unit-of-work";
import type { ThreadRepository } from "../domain/thread-repository";
import type { GuildAccess } from "../domain/guild-access";
import type { PermissionResolver } from "../domain/permission-resolver";
import type { BlockList, UserDirectory } from "../../../shared/kernel/users";
import type { ForumStarter, StarterMessageCheck } from "./starter-messages";

/** Every port the channel use cases take; each use case picks the ones it needs. */
export interface ChannelDeps {
  /** Writes that must commit together, events included. */
  readonly unitOfWork: ChannelUnitOfWork;
  /** Reads outside any transaction. */
  readonly channels: ChannelRepository;
  readonly threads: ThreadRepository;
  readonly permissions: PermissionResolver;
  readonly guilds: GuildAccess;
  readonly users: UserDirectory;
  /** The node's shared rate limiter: slow mode's windows (Redis across nodes). */
  readonly rateLimiter: RateLimiter;
  /** Who blocked whom (the identity domain's): a blocked user opens no DM with the one who blocked them. */
  readonly blocks: BlockList;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  /** The message domain's check that a thread's starter message exists and the caller can read it. */
  readonly starterMessage: StarterMessageCheck;
  /** The message domain's send of a forum post's first message. */
  readonly forumStarter: ForumStarter;
}
