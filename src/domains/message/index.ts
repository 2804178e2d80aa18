/*
 * The message domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Messages, reactions, pins, read states, attachments.
 */

// The module, wired, and its background jobs.
export { type MessageModule, createMessageModule } from "./presentation/message-module";
export { startMessageJobs } from "./application/message-jobs";

// Events.
export type {
  ChannelPinsUpdated,
  MessageDeleted,
  MessageDeletedBulk,
  MessageEvent,
  MessageReactionAdded,
  MessageReactionRemoved,
  MessageRead,
  MessageSent,
  MessageUpdated,
  TypingStarted,
} from "./domain/message-events";
export type { WebhooksUpdated } from "./domain/webhook-events";

// Wire schemas the AsyncAPI document embeds.
export { MessageBody } from "./presentation/message-schemas";
// The body of a forum post's first message, which the channel domain's thread route takes.
export { ForumMessageBody } from "./presentation/message-schemas";
