import { afterEach, describe, expect, test } from "bun:test";
import type { RateLimiter } from "../../src/shared/kernel/ports/rate-limiter";
import { MemoryRateLimiter } from "../../src/shared/infrastructure/memory/memory-rate-limiter";
import { RedisRateLimiter } from "../../src/shared/infrastructure/redis/redis-rate-limiter";
import { adapterCases, closeAdapters, uniqueNamespace } from "../support/adapters";

const cases = adapterCases<RateLimiter>({
  memory: () => new MemoryRateLimiter(),
  redis: ({ command }) => new RedisRateLimiter({ redis: command }),
});

/** 5 requests per second: one token every 200 ms, bursts of 5. */
const FIVE_PER_SECOND = { limit: 5, periodMs: 1_000 };
/** Slow enough that no token comes back during a test. */
const TEN_PER_MINUTE = { limit: 10, periodMs: 60_000 };

for (const { name, make } of cases) {
  describe(`RateLimiter contract (${name})`, () => {
    afterEach(closeAdapters);

    test("allows a burst of `limit`, counting remaining down, then refuses with a sane retryAfter", async () => {
      const limiter = await make();
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await limiter.consume("user:1", FIVE_PER_SECOND));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      for (const decision of decisions.slice(0, 5)) {
        expect(decision.retryAfterMs).toBe(0);
        expect(decision.limit).toBe(5);
      }
      const refused = decisions[5]!;
      expect(refused.retryAfterMs).toBeGreaterThan(0); // one token is 200 ms, minus the time the burst took
      expect(refused.retryAfterMs).toBeLessThanOrEqual(200);
      expect(refused.resetAfterMs - refused.retryAfterMs).toBeWithin(799, 802); // the other 4 tokens, 200 ms each
      expect(refused.resetAfterMs).toBeLessThanOrEqual(1_000);
    });

    test("resetAfterMs is the time until the bucket is full again", async () => {
      const limiter = await make();
      const first = await limiter.consume("user:1", TEN_PER_MINUTE);
      expect(first.resetAfterMs).toBeGreaterThan(5_500); // one token of 6 s used
      expect(first.resetAfterMs).toBeLessThanOrEqual(6_000);
      const second = await limiter.consume("user:1", TEN_PER_MINUTE);
      expect(second.resetAfterMs).toBeGreaterThan(11_500);
      expect(second.resetAfterMs).toBeLessThanOrEqual(12_000);
    });

    test("a refused request costs nothing, and a token comes back after retryAfterMs", async () => {
      const limiter = await make();
      const limit = { limit: 2, periodMs: 200 };
      await limiter.consume("k", limit);
      await limiter.consume("k", limit);
      const refused = await limiter.consume("k", limit);
      expect(refused.allowed).toBe(false);
      expect((await limiter.consume("k", limit)).allowed).toBe(false);
      await Bun.sleep(refused.retryAfterMs + 5);
      const again = await limiter.consume("k", limit);
      expect(again.allowed).toBe(true);
      expect(again.remaining).toBe(0);
    });

    test("the bucket refills completely after the period", async () => {
      const limiter = await make();
      const limit = { limit: 3, periodMs: 150 };
      for (let i = 0; i < 3; i++) await limiter.consume("k", limit);
      expect((await limiter.consume("k", limit)).allowed).toBe(false);
      await Bun.sleep(160);
      const full = await limiter.consume("k", limit);
      expect(full.remaining).toBe(2);
    });

    test("keys have separate buckets", async () => {
      const limiter = await make();
      for (let i = 0; i < 10; i++) await limiter.consume("busy", TEN_PER_MINUTE);
      expect((await limiter.consume("busy", TEN_PER_MINUTE)).allowed).toBe(false);
      expect((await limiter.consume("idle", TEN_PER_MINUTE)).remaining).toBe(9);
    });

    test("50 parallel requests never get more than `limit` through", async () => {
      const limiter = await make();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume("route", TEN_PER_MINUTE)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
      expect(new Set(decisions.filter((d) => d.allowed).map((d) => d.remaining)).size).toBe(10);
    });

    test("two nodes on one backend share the bucket", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [await make(namespace), await make(namespace)];
      const decisions = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).consume("user:42", TEN_PER_MINUTE)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
      expect((await a.consume("user:42", TEN_PER_MINUTE)).allowed).toBe(false);
      expect((await b.consume("user:42", TEN_PER_MINUTE)).allowed).toBe(false);
    });

    test("a limit of 50 (Discord's global one): a burst of 50 at once is allowed, the next refused until a token is back", async () => {
      const limiter = await make();
      const limit = { limit: 50, periodMs: 1_000 };
      const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter.consume("user:9", limit)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
      const refused = decisions.find((d) => !d.allowed)!;
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(20); // one token is 20 ms
      await Bun.sleep(refused.retryAfterMs + 25);
      expect((await limiter.consume("user:9", limit)).allowed).toBe(true);
    });

    test("a limit of 50 on two nodes sharing the backend: never more than 50 through, and all 50 used", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [await make(namespace), await make(namespace)];
      const limit = { limit: 50, periodMs: 60_000 };
      const decisions = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? a : b).consume("user:7", limit)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
      expect((await a.consume("user:7", limit)).allowed).toBe(false);
      expect((await b.consume("user:7", limit)).allowed).toBe(false);
      // Remaining counts down with no repeat on each node.
      for (const node of [0, 1]) {
        const remaining = decisions.filter((d, i) => d.allowed && i % 2 === node).map((d) => d.remaining);
        expect(new Set(remaining).size).toBe(remaining.length);
      }
    });

    test("reset forgets the key's history", async () => {
      const limiter = await make();
      for (let i = 0; i < 10; i++) await limiter.consume("user:1", TEN_PER_MINUTE);
      expect((await limiter.consume("user:1", TEN_PER_MINUTE)).allowed).toBe(false);
      await limiter.reset("user:1");
      const fresh = await limiter.consume("user:1", TEN_PER_MINUTE);
      expect(fresh.allowed).toBe(true);
      expect(fresh.remaining).toBe(9);
    });

    test("rejects a limit that cannot be met", async () => {
      const limiter = await make();
      await expect(limiter.consume("k", { limit: 0, periodMs: 1_000 })).rejects.toThrow(RangeError);
      await expect(limiter.consume("k", { limit: 1, periodMs: 0 })).rejects.toThrow(RangeError);
    });
  });
}
