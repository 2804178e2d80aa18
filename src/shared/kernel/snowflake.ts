import type { Clock } from "./clock";

/** 2015-01-01T00:00:00Z, Discord's epoch: ids are minted from it so that Discord's libraries read their creation time. */
export const DISCORD_EPOCH = Date.UTC(2015, 0, 1);

/**
 * 2026-01-01T00:00:00Z, the epoch of ids minted before XCord took Discord's (issue 14). Such "legacy" ids stay valid
 * and keep sorting before every newer id: a new id's time part is at least the 11 years between the two epochs, a
 * legacy id's is below it (until 2037), so each id tells which epoch it counts from.
 */
export const LEGACY_EPOCH = Date.UTC(2026, 0, 1);

const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const TIME_SHIFT = WORKER_BITS + SEQUENCE_BITS;
/** The time part below which an id is a legacy one. */
const LEGACY_SPAN_MS = LEGACY_EPOCH - DISCORD_EPOCH;
/** Every legacy id is below it, every id minted now is at or above it. */
const LEGACY_CEILING = (BigInt(LEGACY_SPAN_MS) << TIME_SHIFT).toString();
const MAX_WORKER = (1 << Number(WORKER_BITS)) - 1;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;

/** A snowflake as a decimal string, the form it takes in JSON and in domain objects. */
export type Snowflake = string;

const SNOWFLAKE_PATTERN = /^[0-9]{1,20}$/;

/** True when `value` is a decimal string that fits a signed 64-bit integer. */
export const isSnowflake = (value: unknown): value is Snowflake =>
  typeof value === "string" && SNOWFLAKE_PATTERN.test(value) && BigInt(value) <= 0x7fff_ffff_ffff_ffffn;

/** The creation time encoded in a snowflake, in ms since the Unix epoch (a legacy id's counted from its own epoch). */
export const snowflakeTimestamp = (id: Snowflake): number => {
  const sinceEpoch = Number(BigInt(id) >> TIME_SHIFT);
  return sinceEpoch < LEGACY_SPAN_MS ? sinceEpoch + LEGACY_EPOCH : sinceEpoch + DISCORD_EPOCH;
};

/** The smallest snowflake minted today's way (Discord's epoch) at `unixMs`; a range bound, as Discord's `before`/`after`. */
export const snowflakeFromTimestamp = (unixMs: number): Snowflake => (BigInt(Math.max(0, unixMs - DISCORD_EPOCH)) << TIME_SHIFT).toString();

/** A range of ids, `from` inclusive, `below` exclusive (none: no upper bound). */
export interface SnowflakeRange {
  readonly from: Snowflake;
  readonly below?: Snowflake;
}

/**
 * Every id created at or after `unixMs`, whichever epoch it was minted from: the ids of today's epoch from that
 * time on, and, when the database may still hold legacy ids of that time or later, that stretch of the legacy range.
 */
export const snowflakeRangesSince = (unixMs: number): SnowflakeRange[] => {
  const ranges: SnowflakeRange[] = [{ from: snowflakeFromTimestamp(Math.max(unixMs, LEGACY_EPOCH)) }];
  const legacyFrom = BigInt(Math.max(0, unixMs - LEGACY_EPOCH)) << TIME_SHIFT;
  if (legacyFrom < BigInt(LEGACY_CEILING)) ranges.push({ from: legacyFrom.toString(), below: LEGACY_CEILING });
  return ranges;
};

export interface SnowflakeGenerator {
  /** A new id, strictly greater than every id this generator returned before. */
  next(): Snowflake;
}

/**
 * Twitter-style generator: ms since Discord's epoch << 22 | worker << 12 | sequence.
 * Monotonic under bursts (the sequence rolls into the next millisecond instead of waiting)
 * and across a clock that steps backwards (the last timestamp is kept).
 */
export const createSnowflakeGenerator = (workerId: number, clock: Clock): SnowflakeGenerator => {
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER) {
    throw new RangeError(`worker id must be an integer in 0..${MAX_WORKER}`);
  }
  const worker = BigInt(workerId) << SEQUENCE_BITS;
  let lastMs = 0;
  let sequence = 0;
  return {
    next() {
      const now = Math.max(clock.now() - DISCORD_EPOCH, LEGACY_SPAN_MS);
      if (now > lastMs) {
        lastMs = now;
        sequence = 0;
      } else if (++sequence > MAX_SEQUENCE) {
        // Borrow from the next millisecond rather than block; the clock catches up.
        lastMs += 1;
        sequence = 0;
      }
      return ((BigInt(lastMs) << TIME_SHIFT) | worker | BigInt(sequence)).toString();
    },
  };
};
