import { describe, expect, test } from "bun:test";
import { createManualClock } from "../../src/shared/kernel/clock";
import {
  DISCORD_EPOCH,
  LEGACY_EPOCH,
  createSnowflakeGenerator,
  isSnowflake,
  snowflakeFromTimestamp,
  snowflakeRangesSince,
  snowflakeTimestamp,
} from "../../src/shared/kernel/snowflake";

/** A time after both epochs, as every id is minted now. */
const NOW = Date.UTC(2026, 11, 3);

describe("snowflake ids", () => {
  test("encode the time since Discord's epoch, the worker and a sequence (Discord's layout)", () => {
    const clock = createManualClock(NOW + 1234);
    const ids = createSnowflakeGenerator(5, clock);
    const first = BigInt(ids.next());
    const second = BigInt(ids.next());
    expect(first >> 22n).toBe(BigInt(NOW + 1234 - DISCORD_EPOCH));
    // What Discord's libraries compute from an id: (id >> 22) + 1420070400000.
    expect(Number(first >> 22n) + 1420070400000).toBe(NOW + 1234);
    expect((first >> 12n) & 0x3ffn).toBe(5n);
    expect(first & 0xfffn).toBe(0n);
    expect(second & 0xfffn).toBe(1n);
    expect(snowflakeTimestamp(first.toString())).toBe(NOW + 1234);
  });

  test("stay strictly increasing through a burst larger than one millisecond's sequence", () => {
    const clock = createManualClock(NOW + 10);
    const ids = createSnowflakeGenerator(1, clock);
    let previous = -1n;
    for (let i = 0; i < 10_000; i++) {
      const id = BigInt(ids.next());
      expect(id > previous).toBe(true);
      previous = id;
    }
    // 10,000 ids in one frozen millisecond borrowed ms 11 and 12: the sequence rolled over, not wrapped.
    expect(previous >> 22n).toBe(BigInt(NOW + 12 - DISCORD_EPOCH));
  });

  test("stay increasing when the clock steps backwards", () => {
    const clock = createManualClock(NOW + 5_000);
    const ids = createSnowflakeGenerator(0, clock);
    const before = BigInt(ids.next());
    clock.set(NOW + 1_000);
    expect(BigInt(ids.next()) > before).toBe(true);
  });

  test("from different workers never collide in the same millisecond", () => {
    const clock = createManualClock(NOW + 42);
    const a = createSnowflakeGenerator(1, clock);
    const b = createSnowflakeGenerator(2, clock);
    const all = new Set(Array.from({ length: 1000 }, (_, i) => (i % 2 ? a : b).next()));
    expect(all.size).toBe(1000);
  });

  test("reject worker ids outside 10 bits", () => {
    expect(() => createSnowflakeGenerator(1024, createManualClock())).toThrow(RangeError);
    expect(() => createSnowflakeGenerator(-1, createManualClock())).toThrow(RangeError);
  });

  test("validate the decimal string form", () => {
    expect(isSnowflake("123")).toBe(true);
    expect(isSnowflake("9223372036854775807")).toBe(true);
    expect(isSnowflake("9223372036854775808")).toBe(false);
    expect(isSnowflake("12a")).toBe(false);
    expect(isSnowflake(123)).toBe(false);
    expect(snowflakeFromTimestamp(DISCORD_EPOCH + 1)).toBe((1n << 22n).toString());
  });

  test("ids minted from the epoch before Discord's keep their time and sort before every newer id", () => {
    // A legacy id: 2026-06-01 counted from 2026-01-01, as XCord minted them before it took Discord's epoch.
    const legacyTime = Date.UTC(2026, 5, 1);
    const legacy = ((BigInt(legacyTime - LEGACY_EPOCH) << 22n) | 7n).toString();
    expect(snowflakeTimestamp(legacy)).toBe(legacyTime);
    const fresh = createSnowflakeGenerator(0, createManualClock(NOW)).next();
    expect(BigInt(fresh) > BigInt(legacy)).toBe(true);
    expect(snowflakeTimestamp(fresh)).toBe(NOW);
  });

  test("a time window covers ids of both epochs, and only those created in it", () => {
    const since = Date.UTC(2026, 5, 1);
    const legacyIn = (BigInt(Date.UTC(2026, 6, 1) - LEGACY_EPOCH) << 22n).toString();
    const legacyOut = (BigInt(Date.UTC(2026, 4, 1) - LEGACY_EPOCH) << 22n).toString();
    const freshIn = createSnowflakeGenerator(0, createManualClock(NOW)).next();
    const freshOut = createSnowflakeGenerator(0, createManualClock(Date.UTC(2026, 4, 1))).next();
    const ranges = snowflakeRangesSince(since);
    const covered = (id: string) => ranges.some(({ from, below }) => BigInt(id) >= BigInt(from) && (below === undefined || BigInt(id) < BigInt(below)));
    expect([legacyIn, legacyOut, freshIn, freshOut].map(covered)).toEqual([true, false, true, false]);
  });
});
