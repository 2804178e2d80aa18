import { describe, expect, test } from "bun:test";
import { createManualClock } from "../../src/shared/kernel/clock";
import {
  XCORD_EPOCH,
  createSnowflakeGenerator,
  isSnowflake,
  snowflakeFromTimestamp,
  snowflakeTimestamp,
} from "../../src/shared/kernel/snowflake";

describe("snowflake ids", () => {
  test("encode the time since the XCord epoch, the worker and a sequence (API.md layout)", () => {
    const clock = createManualClock(XCORD_EPOCH + 1234);
    const ids = createSnowflakeGenerator(5, clock);
    const first = BigInt(ids.next());
    const second = BigInt(ids.next());
    expect(first >> 22n).toBe(1234n);
    expect((first >> 12n) & 0x3ffn).toBe(5n);
    expect(first & 0xfffn).toBe(0n);
    expect(second & 0xfffn).toBe(1n);
    expect(snowflakeTimestamp(first.toString())).toBe(XCORD_EPOCH + 1234);
  });

  test("stay strictly increasing through a burst larger than one millisecond's sequence", () => {
    const clock = createManualClock(XCORD_EPOCH + 10);
    const ids = createSnowflakeGenerator(1, clock);
    let previous = -1n;
    for (let i = 0; i < 10_000; i++) {
      const id = BigInt(ids.next());
      expect(id > previous).toBe(true);
      previous = id;
    }
    // 10,000 ids in one frozen millisecond borrowed ms 11 and 12: the sequence rolled over, not wrapped.
    expect(previous >> 22n).toBe(12n);
  });

  test("stay increasing when the clock steps backwards", () => {
    const clock = createManualClock(XCORD_EPOCH + 5_000);
    const ids = createSnowflakeGenerator(0, clock);
    const before = BigInt(ids.next());
    clock.set(XCORD_EPOCH + 1_000);
    expect(BigInt(ids.next()) > before).toBe(true);
  });

  test("from different workers never collide in the same millisecond", () => {
    const clock = createManualClock(XCORD_EPOCH + 42);
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
    expect(snowflakeFromTimestamp(XCORD_EPOCH + 1)).toBe((1n << 22n).toString());
  });
});
