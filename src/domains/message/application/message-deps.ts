import type { Clock } from "../../../shared/kernel/clock";
import type { PubSub, RateLimiter } from "../../../shared/kernel/ports";
import type { SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { GuildAccess, PermissionResolver } from "../../channel";
import type { BlobStore } from "../domain/blob-store";
import type { ContentTypeDetector } from "../domain/content-type-detector";
import type { EmojiAccess } from "../domain/emoji";
import type { MessageMembers } from "../domain/message-members";
import type { MessageRepositories, MessageUnitOfWork, MessageWriteTogether } from "../domain/message-unit-of-work";
import type { UrlSigner } from "../domain/url-signer";
import type { ThreadMessageSent } from "../domain/message-channel";
import type { HistoryCache } from "./history-cache";
import type { ThreadsByIds } from "./starter-threads";
import type { BlockList, UserDirectory } from "../../../shared/kernel/users";

/** Every port the message use cases take; each use case picks the ones it needs. */
export interface MessageDeps {
  /** Writes that must commit together, events included. */
  readonly unitOfWork: MessageUnitOfWork;
  /** The one-round-trip commit of a new message that needs no reads in its transaction. */
  readonly writeTogether: MessageWriteTogether;
  /** Reads outside any transaction. */
  readonly repositories: MessageRepositories;
  /** The channel domain's permission hot path: channel and the user's permissions in one round trip. */
  readonly permissions: PermissionResolver;
  /** The channel domain's view of guild membership (search is for members only). */
  readonly guilds: GuildAccess;
  readonly users: UserDirectory;
  /** The node's shared rate limiter: slow mode's windows (Redis across nodes). */
  readonly rateLimiter: RateLimiter;
  /** Who blocked whom (the identity domain's, kept in the node): DMs between them refuse sends, and mentions by a blocked user count for no one who blocked them. */
  readonly blocks: BlockList;
  /** Guild members and roles as messages need them: the author's membership (`member`) and role mentions. */
  readonly members: MessageMembers;
  readonly blobs: BlobStore;
  /** The guild domain's custom emoji, for reactions with them. */
  readonly emojis: EmojiAccess;
  readonly signer: UrlSigner;
  readonly detector: ContentTypeDetector;
  /** Typing is ephemeral: it goes straight to pub/sub, not through the outbox. */
  readonly pubSub: PubSub;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly maxUploadBytes: number;
  /** The base URL attachment links start with (the node's public URL). */
  readonly publicUrl: () => string;
  /** The node's newest pages (see history-cache.ts); without it every page is read from the repository. */
  readonly historyCache?: HistoryCache;
  /** The channel domain's threads by id: the `thread` of messages that started one (starter-threads.ts). */
  readonly threadsByIds?: ThreadsByIds;
  /** What a send to a thread does to it (the channel domain's); without it, sends leave threads as they are. */
  readonly threadMessageSent?: ThreadMessageSent;
}
