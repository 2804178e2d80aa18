import type { Clock } from "./clock";

/** 2026-01-01T00:00:00Z, the XCord epoch of API.md. */
export const XCORD_EPOCH = Date.UTC(2026, 0, 1);

const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_WORKER = (1 << Number(WORKER_BITS)) - 1;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;

/** A snowflake as a decimal string, the form it takes in JSON and in domain objects. */
export type Snowflake = string;

const SNOWFLAKE_PATTERN = /^[0-9]{1,20}$/;

/** True when `value` is a decimal string that fits a signed 64-bit integer. */
export const isSnowflake = (value: unknown): value is Snowflake =>
  typeof value === "string" && SNOWFLAKE_PATTERN.test(value) && BigInt(value) <= 0x7fff_ffff_ffff_ffffn;

/** The creation time encoded in a snowflake, in ms since the Unix epoch. */
export const snowflakeTimestamp = (id: Snowflake): number => Number(BigInt(id) >> (WORKER_BITS + SEQUENCE_BITS)) + XCORD_EPOCH;

/** The smallest snowflake that could have been created at `unixMs`; useful as a range bound. */
export const snowflakeFromTimestamp = (unixMs: number): Snowflake =>
  (BigInt(Math.max(0, unixMs - XCORD_EPOCH)) << (WORKER_BITS + SEQUENCE_BITS)).toString();

export interface SnowflakeGenerator {
  /** A new id, strictly greater than every id this generator returned before. */
  next(): Snowflake;
}

/**
 * Twitter-style generator: ms since the XCord epoch << 22 | worker << 12 | sequence.
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
      const now = Math.max(clock.now() - XCORD_EPOCH, 0);
      if (now > lastMs) {
        lastMs = now;
        sequence = 0;
      } else if (++sequence > MAX_SEQUENCE) {
        // Borrow from the next millisecond rather than block; the clock catches up.
        lastMs += 1;
        sequence = 0;
      }
      return ((BigInt(lastMs) << (WORKER_BITS + SEQUENCE_BITS)) | worker | BigInt(sequence)).toString();
    },
  };
};
