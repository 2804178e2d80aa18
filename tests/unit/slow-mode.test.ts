import { describe, expect, test } from "bun:test";
import { enforceSlowMode } from "../../src/domains/channel/application/slow-mode";
import { slowModeExempt, slowModeKey, slowModeRateLimited } from "../../src/domains/channel/domain/slow-mode";
import { MemoryRateLimiter } from "../../src/shared/infrastructure/memory/memory-rate-limiter";
import { createManualClock } from "../../src/shared/kernel/clock";
import { DomainError } from "../../src/shared/kernel/domain-error";
import { Permission } from "../../src/shared/kernel/permissions";
import { fromDomainError } from "../../src/shared/presentation/http-errors";

const { SEND_MESSAGES, MANAGE_MESSAGES, MANAGE_CHANNELS, MANAGE_THREADS } = Permission;

describe("slow mode rules", () => {
  test("MANAGE_MESSAGES or MANAGE_CHANNELS exempt a member anywhere; MANAGE_THREADS only in threads", () => {
    expect(slowModeExempt(SEND_MESSAGES, false)).toBe(false);
    expect(slowModeExempt(SEND_MESSAGES | MANAGE_MESSAGES, false)).toBe(true);
    expect(slowModeExempt(SEND_MESSAGES | MANAGE_CHANNELS, true)).toBe(true);
    expect(slowModeExempt(SEND_MESSAGES | MANAGE_THREADS, false)).toBe(false);
    expect(slowModeExempt(SEND_MESSAGES | MANAGE_THREADS, true)).toBe(true);
  });

  test("a window is per channel, member, action and length", () => {
    const scope = { channelId: "10", seconds: 30, permissions: SEND_MESSAGES, thread: false };
    const keys = new Set([
      slowModeKey(scope, "1", "message"),
      slowModeKey(scope, "2", "message"),
      slowModeKey(scope, "1", "thread"),
      slowModeKey({ ...scope, channelId: "11" }, "1", "message"),
      slowModeKey({ ...scope, seconds: 10 }, "1", "message"),
    ]);
    expect(keys.size).toBe(5);
  });

  test("the refusal is 429 20016 with retry_after in seconds, global false, and Retry-After rounded up", () => {
    const response = fromDomainError(slowModeRateLimited(4_250));
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ code: 20016, message: "This action cannot be performed due to slowmode rate limit.", retry_after: 4.25, global: false });
    expect(response.headers?.["retry-after"]).toBe("5");
    // Other domain errors keep their plain shape and add no headers.
    expect(fromDomainError(new DomainError("UNKNOWN_CHANNEL", "Unknown Channel"))).toEqual({ status: 404, body: { code: 10003, message: "Unknown Channel" } });
  });

  test("enforceSlowMode: one action per window for people, none counted for bots or with 0 seconds", async () => {
    const clock = createManualClock(1_000_000);
    const rateLimiter = new MemoryRateLimiter({ clock });
    const users = { findUsers: async (ids: readonly string[]) => ids.map((id) => ({ id, username: id, bot: id === "bot" }) as never) };
    const deps = { rateLimiter, users };
    const scope = { channelId: "10", seconds: 5, permissions: SEND_MESSAGES, thread: false };
    await enforceSlowMode(deps, "alice", scope, "message");
    const refusal = await enforceSlowMode(deps, "alice", scope, "message").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe("SLOWMODE_RATE_LIMITED");
    expect((refusal as DomainError).retryAfterMs).toBe(5_000);
    await enforceSlowMode(deps, "alice", scope, "thread");
    clock.advance(5_000);
    await enforceSlowMode(deps, "alice", scope, "message");
    for (let i = 0; i < 3; i++) {
      await enforceSlowMode(deps, "bot", scope, "message");
      await enforceSlowMode(deps, "bob", { ...scope, seconds: 0 }, "message");
    }
    await rateLimiter.close();
  });
});
