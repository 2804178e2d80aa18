import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { imageUrlOrNull } from "../../../shared/kernel/field-checks";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** An account. Deleted accounts keep their row (history stays readable) with every personal field erased. */
export interface User {
  readonly id: Snowflake;
  /** Lower-case, unique; see `normalizeUsername`. */
  readonly username: string;
  readonly displayName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  /** Null once the account is deleted. */
  readonly email: string | null;
  readonly createdAt: Date;
  readonly deleted: boolean;
  /** Whether logging in takes a two-factor code too (see mfa.ts). */
  readonly mfaEnabled: boolean;
}

/** A user with the hash needed to check their password; never leaves the application layer. */
export interface UserCredentials {
  readonly user: User;
  /** Null once the account is deleted: such an account can never log in. */
  readonly passwordHash: string | null;
}

export const USERNAME_MIN = 2;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const DISPLAY_NAME_MAX = 32;
export const AVATAR_MAX = 512;

const USERNAME_PATTERN = /^[a-z0-9_.]+$/;
/** Deliberately loose (RFC 5322 is not worth it): one @, a dot in the domain, no spaces. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** Placeholders of deleted accounts: `deleted_user_` + a snowflake of at most 19 digits fits in 32 characters. */
const DELETED_USERNAME_PREFIX = "deleted_user_";

/** Lower-cases and checks a username: 2–32 characters of `a-z 0-9 _ .`, so `Alice` and `alice` are one name. */
export const normalizeUsername = (raw: string, field = "username"): string => {
  const username = raw.toLowerCase();
  if (username.length < USERNAME_MIN || username.length > USERNAME_MAX) {
    throw invalidField(field, `Must be between ${USERNAME_MIN} and ${USERNAME_MAX} characters long.`);
  }
  if (!USERNAME_PATTERN.test(username)) {
    throw invalidField(field, "Username can only use letters, numbers, underscores and periods.");
  }
  if (username.startsWith(DELETED_USERNAME_PREFIX)) throw invalidField(field, "This username is reserved.");
  return username;
};

/** Trims and checks an email address; case is kept, uniqueness ignores it. */
export const normalizeEmail = (raw: string, field = "email"): string => {
  const email = raw.trim();
  if (email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) throw invalidField(field, "Not a well formed email address.");
  return email;
};

/** Checks a new password's length (8–128 characters); the content is the user's business. */
export const checkPassword = (password: string, field = "password"): string => {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw invalidField(field, `Must be between ${PASSWORD_MIN} and ${PASSWORD_MAX} characters long.`);
  }
  return password;
};

/** A display name is 1–32 visible characters after trimming; null clears it. */
export const normalizeDisplayName = (raw: string | null, field = "display_name"): string | null => {
  if (raw === null) return null;
  const name = raw.trim();
  if (name.length < 1 || name.length > DISPLAY_NAME_MAX) {
    throw invalidField(field, `Must be between 1 and ${DISPLAY_NAME_MAX} characters long.`);
  }
  if (CONTROL_CHARACTERS.test(name)) throw invalidField(field, "Must not contain control characters.");
  return name;
};

/** An avatar is an http(s) URL of at most 512 characters (until uploads exist); null clears it. */
export const normalizeAvatar = (raw: string | null, field = "avatar"): string | null => imageUrlOrNull(raw, field, AVATAR_MAX);

/** What remains of an account after deletion: a unique placeholder name and nothing personal. */
export const anonymized = (user: User): User => ({
  ...user,
  username: `${DELETED_USERNAME_PREFIX}${user.id}`,
  displayName: "Deleted User",
  avatar: null,
  email: null,
  deleted: true,
  mfaEnabled: false,
});

/** The error for a taken username or email: 409 with the field, since telling is unavoidable at sign-up. */
export const alreadyTaken = (field: "username" | "email"): DomainError<"CONFLICT"> =>
  new DomainError(ErrorCode.CONFLICT, field === "username" ? "Username is already taken." : "Email is already registered.", {
    [field]: field === "username" ? "Username is already taken." : "Email is already registered.",
  });
