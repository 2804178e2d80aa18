export type { PubSub } from "./pub-sub";
export type { CommitNotice, CommitNotices } from "./commit-notices";
export type { KeyValueStore } from "./key-value-store";
export type { RateLimit, RateLimitDecision, RateLimiter } from "./rate-limiter";
export type { DeadLetter, EventStream, EventStreamConsumerOptions } from "./event-stream";
