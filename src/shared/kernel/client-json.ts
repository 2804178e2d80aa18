/**
 * JSON from clients, read as Discord reads it: an integer too large for a JavaScript number (a snowflake sent as a
 * number, as discord.py sends ids) keeps its exact digits as a decimal string instead of being rounded to another id.
 * Every such integer is an id or a bitfield, which XCord's schemas take as decimal strings.
 */

/** An integer literal of 16 or more digits somewhere in the text: the only case needing the slower parse. */
const LONG_INTEGER = /[-\d]\d{15}/;

const keepLongIntegers = (_key: string, value: unknown, context?: { source?: string }): unknown =>
  typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? context.source : value;

/** JSON.parse, except that integers beyond 2^53 become their decimal string; throws SyntaxError as JSON.parse does. */
export const parseClientJson = (text: string): unknown =>
  LONG_INTEGER.test(text) ? JSON.parse(text, keepLongIntegers as (key: string, value: unknown) => unknown) : JSON.parse(text);
