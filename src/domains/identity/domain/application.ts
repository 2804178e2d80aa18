import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ApplicationFlag } from "../../../shared/kernel/users";

/** A developer application (Discord's): its owner, name and flags, and at most one bot account. */
export interface Application {
  readonly id: Snowflake;
  readonly ownerId: Snowflake;
  readonly name: string;
  readonly description: string;
  /** Discord's application flags; only the privileged-intent bits (SETTABLE_APPLICATION_FLAGS) are ever set. */
  readonly flags: number;
  /** The bot account, once created. */
  readonly botUserId: Snowflake | null;
  /** Shown as Discord's `verify_key`; XCord signs no interactions with it. */
  readonly verifyKey: string;
  readonly createdAt: Date;
}

/** Discord's bounds: a name of 2–32 characters, a description of at most 400. */
export const APPLICATION_NAME_MIN = 2;
export const APPLICATION_NAME_MAX = 32;
export const APPLICATION_DESCRIPTION_MAX = 400;
/** Discord's limit of applications per developer. */
export const MAX_APPLICATIONS_PER_USER = 25;

/** The only flags an owner may set: the privileged intents. Discord sets every other bit itself. */
export const SETTABLE_APPLICATION_FLAGS = Object.values(ApplicationFlag).reduce((all, bit) => all | bit, 0);

const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** An application name is 2–32 visible characters after trimming. */
export const normalizeApplicationName = (raw: string, field = "name"): string => {
  const name = raw.trim();
  if (name.length < APPLICATION_NAME_MIN || name.length > APPLICATION_NAME_MAX) {
    throw invalidField(field, `Must be between ${APPLICATION_NAME_MIN} and ${APPLICATION_NAME_MAX} characters long.`);
  }
  if (CONTROL_CHARACTERS.test(name)) throw invalidField(field, "Must not contain control characters.");
  return name;
};

/** A description is at most 400 characters after trimming; empty is allowed (Discord's default). */
export const normalizeApplicationDescription = (raw: string, field = "description"): string => {
  const description = raw.trim();
  if (description.length > APPLICATION_DESCRIPTION_MAX) {
    throw invalidField(field, `Must be ${APPLICATION_DESCRIPTION_MAX} or fewer characters long.`);
  }
  return description;
};

/** Flags an owner may set: only the privileged-intent bits. */
export const checkApplicationFlags = (flags: number, field = "flags"): number => {
  if (!Number.isSafeInteger(flags) || flags < 0 || (flags & ~SETTABLE_APPLICATION_FLAGS) !== 0) {
    throw invalidField(field, `Only the privileged intent flags (${SETTABLE_APPLICATION_FLAGS}) can be set.`);
  }
  return flags;
};

/** Refuses one more application for an owner who has `count`. */
export const checkApplicationCount = (count: number): void => {
  if (count >= MAX_APPLICATIONS_PER_USER) {
    throw new DomainError(ErrorCode.LIMIT_REACHED, `Maximum number of applications reached (${MAX_APPLICATIONS_PER_USER}).`);
  }
};

/**
 * The username a bot account starts with: the application's name lower-cased to the username alphabet (a-z 0-9 _ .),
 * at most 32 characters with `suffix` (for uniqueness) appended; "bot" when nothing of the name is left.
 */
export const botUsernameFor = (applicationName: string, suffix = ""): string => {
  const base = applicationName.toLowerCase().replace(/\s+/g, "_").replace(/[^a-z0-9_.]/g, "").replace(/^deleted_user_/, "") || "bot";
  const padded = base.length < 2 ? `${base}_bot` : base;
  return padded.slice(0, 32 - suffix.length) + suffix;
};

export const unknownApplication = () => new DomainError(ErrorCode.UNKNOWN_APPLICATION, "Unknown Application");
/** Discord's 20001: a bot account called a route meant for people. */
export const botsForbidden = () => new DomainError(ErrorCode.BOTS_FORBIDDEN, "Bots cannot use this endpoint");
/** Discord's 20002: a person called a route meant for bot accounts. */
export const botsOnly = () => new DomainError(ErrorCode.BOTS_ONLY, "Only bots can use this endpoint");
