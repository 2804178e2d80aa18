import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";

/*
 * Bot tokens have Discord's shape, `base64url(bot user id).base64url(token id).secret`, so a library that decodes the
 * first segment finds the bot's id (discord.js and discord.py both do). The token id is the token's "session id":
 * resetting a token revokes that id on every node, as a logout does. The secret is 256 random bits; the server keeps
 * only the SHA-256 of the whole token. A fast hash is right here (unlike for passwords): a 256-bit random secret
 * cannot be guessed, so nothing is gained by making each guess slow, and every REST call of a bot checks one.
 */

/** The ids a bot token names; null for anything that is not shaped like one (a user's JWT, garbage). */
export interface ParsedBotToken {
  readonly userId: Snowflake;
  readonly tokenId: Snowflake;
}

const SECRET_BYTES = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Base64url of a snowflake's digits: at most 20 digits → at most 27 characters. */
const ID_SEGMENT = /^[A-Za-z0-9_-]{2,27}$/;

const encodeId = (id: Snowflake): string => Buffer.from(id, "utf8").toString("base64url");

const decodeId = (segment: string): Snowflake | null => {
  if (!ID_SEGMENT.test(segment)) return null;
  const decoded = Buffer.from(segment, "base64url").toString("utf8");
  // Exactly the canonical encoding: no leading zeros, no characters the decoder skipped.
  return /^[1-9][0-9]*$/.test(decoded) && isSnowflake(decoded) && encodeId(decoded) === segment ? decoded : null;
};

/** SHA-256 of a bot token, hex: the only form the server stores. */
export const hashBotToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** A new token for the bot `userId` with the id `tokenId`, and its hash. */
export const newBotToken = (userId: Snowflake, tokenId: Snowflake): { token: string; hash: string } => {
  const token = `${encodeId(userId)}.${encodeId(tokenId)}.${randomBytes(SECRET_BYTES).toString("base64url")}`;
  return { token, hash: hashBotToken(token) };
};

/** The bot and token ids of a well-formed bot token; null otherwise. */
export const parseBotToken = (token: string): ParsedBotToken | null => {
  const parts = token.split(".");
  if (parts.length !== 3 || !SECRET_PATTERN.test(parts[2]!)) return null;
  const userId = decodeId(parts[0]!);
  const tokenId = decodeId(parts[1]!);
  return userId && tokenId ? { userId, tokenId } : null;
};

/** Whether two hex hashes are equal, in time independent of where they differ. */
export const sameHash = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
};
