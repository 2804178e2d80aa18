import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A code that lets anyone holding it join a guild, through a channel, until it expires or is used up. */
export interface Invite {
  readonly code: string;
  readonly guildId: Snowflake;
  readonly channelId: Snowflake;
  readonly inviterId: Snowflake;
  readonly uses: number;
  /** 0 means unlimited. */
  readonly maxUses: number;
  /** Seconds; 0 means it never expires. */
  readonly maxAge: number;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export const INVITE_CODE_LENGTH = 10;
export const DEFAULT_MAX_AGE = 86_400;
export const MAX_AGE_LIMIT = 604_800;
export const MAX_USES_LIMIT = 100;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 248 = 4 × 62: bytes at or above it are redrawn, so every character is equally likely. */
const UNBIASED_BOUND = 248;

/** Fills a buffer with cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** A new invite code: 10 base62 characters (about 59.5 bits) from a CSPRNG, without modulo bias. */
export const generateInviteCode = (random: RandomBytes = cryptoRandomBytes): string => {
  let code = "";
  while (code.length < INVITE_CODE_LENGTH) {
    for (const byte of random(INVITE_CODE_LENGTH * 2)) {
      if (byte >= UNBIASED_BOUND) continue;
      code += BASE62[byte % 62];
      if (code.length === INVITE_CODE_LENGTH) break;
    }
  }
  return code;
};

const checkBound = (value: number, max: number, field: string): number => {
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalidField(field, `Must be an integer from 0 to ${max}.`);
  return value;
};

export interface InviteOptions {
  readonly maxAge?: number;
  readonly maxUses?: number;
}

/** A new invite; max_age defaults to one day, max_uses to unlimited. */
export const newInvite = (
  fields: { code: string; guildId: Snowflake; channelId: Snowflake; inviterId: Snowflake; now: Date },
  options: InviteOptions,
): Invite => {
  const maxAge = checkBound(options.maxAge ?? DEFAULT_MAX_AGE, MAX_AGE_LIMIT, "max_age");
  const maxUses = checkBound(options.maxUses ?? 0, MAX_USES_LIMIT, "max_uses");
  return {
    code: fields.code,
    guildId: fields.guildId,
    channelId: fields.channelId,
    inviterId: fields.inviterId,
    uses: 0,
    maxUses,
    maxAge,
    createdAt: fields.now,
    expiresAt: maxAge === 0 ? null : new Date(fields.now.getTime() + maxAge * 1000),
  };
};

/** True while the invite has not expired and has uses left. */
export const isUsable = (invite: Invite, now: Date): boolean =>
  (invite.expiresAt === null || invite.expiresAt.getTime() > now.getTime()) && (invite.maxUses === 0 || invite.uses < invite.maxUses);
