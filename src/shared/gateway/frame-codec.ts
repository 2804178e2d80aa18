import { TypeCompiler } from "@sinclair/typebox/compiler";
import { ClientFrame, MAX_FRAME_BYTES } from "./gateway-protocol";

/** A client frame whose envelope is valid; `d` is still to be checked against its opcode's schema. */
export interface DecodedFrame {
  readonly op: number;
  readonly d?: unknown;
}

const checkFrame = TypeCompiler.Compile(ClientFrame);

/**
 * Integers past 2^53 (a snowflake sent as a JSON number, as discord.py does) kept exactly, as their digits: a
 * snowflake field takes them, any other integer field refuses a string.
 */
const exactIntegers = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && /^[0-9]+$/.test(context.source) ? context.source : value;
const LONG_INTEGER = /[0-9]{16}/;

/**
 * A frame as sent by a client: a text frame holding a JSON object of at most MAX_FRAME_BYTES (re-serialized), with
 * an integer op. Anything else (text that is not a JSON object, a JSON string literal spelling a frame, binary) is a
 * decode error, answered undefined. The raw frame, whitespace included, is capped by the server's WebSocket payload
 * limit.
 */
export const decodeFrame = (raw: string | Buffer): DecodedFrame | undefined => {
  if (typeof raw !== "string" || raw.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let frame: unknown;
  try {
    frame = LONG_INTEGER.test(raw) ? JSON.parse(raw, exactIntegers as (key: string, value: unknown) => unknown) : JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (frame === null || typeof frame !== "object" || Array.isArray(frame)) return undefined;
  if (JSON.stringify(frame).length > MAX_FRAME_BYTES) return undefined;
  return checkFrame.Check(frame) ? (frame as DecodedFrame) : undefined;
};
