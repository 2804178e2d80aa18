import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/**
 * Slow mode (a channel's or thread's `rate_limit_per_user`), as Discord's: a member sends one message, and starts
 * one thread, per window of that many seconds in each channel.
 */
export type SlowModeAction = "message" | "thread";

/** Where slow mode applies: the channel or thread, its window, and the caller's permissions there. */
export interface SlowModeScope {
  readonly channelId: Snowflake;
  readonly seconds: number;
  readonly permissions: bigint;
  readonly thread: boolean;
}

/**
 * Who slow mode leaves alone (Discord's rule): holders of MANAGE_MESSAGES or MANAGE_CHANNELS there, and of
 * MANAGE_THREADS in a thread. Bots are left alone too; the caller tells that (it is no permission).
 */
export const slowModeExempt = (permissions: bigint, thread: boolean): boolean =>
  hasPermission(permissions, Permission.MANAGE_MESSAGES) ||
  hasPermission(permissions, Permission.MANAGE_CHANNELS) ||
  (thread && hasPermission(permissions, Permission.MANAGE_THREADS));

/**
 * The window's key in the rate limiter. The length is part of it: a window opened under 6 hours does not hold a
 * member back for 6 hours once a moderator lowers the setting to 10 seconds.
 */
export const slowModeKey = (scope: SlowModeScope, userId: Snowflake, action: SlowModeAction): string =>
  `slowmode:${action}:${scope.channelId}:${userId}:${scope.seconds}`;

/** Discord's 429 20016, with how long until the member may act again. */
export const slowModeRateLimited = (retryAfterMs: number): DomainError<"SLOWMODE_RATE_LIMITED"> =>
  new DomainError(ErrorCode.SLOWMODE_RATE_LIMITED, "This action cannot be performed due to slowmode rate limit.", undefined, retryAfterMs);
