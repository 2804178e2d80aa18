import { t } from "elysia";
import { userPayload } from "../../../shared/kernel/users";
import { HttpUrlString, Ignored, ResponseInteger, SnowflakeString, Timestamp, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import type { Session } from "../domain/session";
import {
  AVATAR_MAX,
  DISPLAY_NAME_MAX,
  EMAIL_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_MAX,
  USERNAME_MIN,
  type User,
} from "../domain/user";
import type { TokenGrant } from "../application/session-tokens";

/**
 * Bodies carry the documented bounds, so a client's first error names the real rule; the domain checks them again
 * (and the rest: the username's characters after lower-casing, the email's shape) so every transport gets them.
 */
const text = (description: string, bounds: { minLength?: number; maxLength: number }) => t.String({ description, ...bounds });
const strict = { additionalProperties: false } as const;
/** Fields that check a password someone already has, not a new one: any length up to a generous cap. */
const existingPassword = (description: string) => text(description, { maxLength: 1024 });

/**
 * The characters the domain accepts once it lower-cases a username: a-z 0-9 _ . in either case, and the Kelvin sign,
 * which lower-cases to k. Checked here too so that every bad field of a registration is reported at once.
 */
const username = (description: string) =>
  t.String({
    description,
    minLength: USERNAME_MIN,
    maxLength: USERNAME_MAX,
    pattern: "^[A-Za-z0-9_.\\u212A]+$",
    error: "Username can only use letters, numbers, underscores and periods.",
  });
/** The domain's loose email rule (one @, a dot in the domain, no spaces) on the untrimmed value. */
const email = t.String({
  description: "unique regardless of case",
  maxLength: EMAIL_MAX,
  pattern: "^\\s*[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$",
  error: "Not a well formed email address.",
});
const newPassword = (description: string) => text(description, { minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });

export const RegisterBody = t.Object(
  {
    username: username(`${USERNAME_MIN}–${USERNAME_MAX} characters of a-z 0-9 _ . (case-insensitive; stored lower-case)`),
    email,
    password: newPassword(`${PASSWORD_MIN}–${PASSWORD_MAX} characters`),
  },
  { ...strict, examples: [{ username: "alice", email: "alice@example.com", password: "correct horse battery" }] },
);

export const LoginBody = t.Object(
  { login: text("email or username", { maxLength: EMAIL_MAX }), password: existingPassword("the account password") },
  { ...strict, examples: [{ login: "alice@example.com", password: "correct horse battery" }] },
);

export const RefreshBody = t.Object(
  { refresh_token: text("the latest refresh token of the session", { maxLength: 512 }) },
  { ...strict, examples: [{ refresh_token: "1234567890123456795.q8Jb2mXv0cR4tY6uW9zA1sD3fG5hK7lP" }] },
);

export const UpdateMeBody = t.Object(
  {
    username: t.Optional(username(`${USERNAME_MIN}–${USERNAME_MAX} characters of a-z 0-9 _ .`)),
    display_name: t.Optional(t.Nullable(text(`1–${DISPLAY_NAME_MAX} characters; null clears it`, { minLength: 1, maxLength: DISPLAY_NAME_MAX }))),
    avatar: t.Optional(t.Nullable(HttpUrlString(AVATAR_MAX, `an http(s) URL of at most ${AVATAR_MAX} characters; null clears it`))),
    password: t.Optional(newPassword(`the new password, ${PASSWORD_MIN}–${PASSWORD_MAX} characters; logs out every other session`)),
    current_password: t.Optional(existingPassword("required with password")),
    ...ignoredDiscordFields({ banner: Ignored.string(AVATAR_MAX * 4) }),
  },
  { ...strict, examples: [{ display_name: "Alice", avatar: "https://example.com/alice.png" }] },
);

export const DeleteMeBody = t.Object({ password: existingPassword("the account password") }, { ...strict, examples: [{ password: "correct horse battery" }] });

export const IdParams = t.Object({ id: SnowflakeString });
/** A user id, or `@me` for the caller. */
export const UserIdParams = t.Object({ id: t.Union([SnowflakeString, t.Literal("@me")]) });

const userFields = {
  id: SnowflakeString,
  username: t.String(),
  display_name: t.Nullable(t.String()),
  discriminator: t.Literal("0", { description: 'always "0" (Discord\'s value for unique usernames), for Discord\'s libraries' }),
  global_name: t.Nullable(t.String({ description: "the same as display_name, under Discord's name" })),
  avatar: t.Nullable(t.String()),
  bot: t.Boolean(),
  created_at: Timestamp,
};

export const USER_EXAMPLE = {
  id: "1234567890123456700",
  username: "alice",
  display_name: "Alice",
  discriminator: "0",
  global_name: "Alice",
  avatar: null,
  bot: false,
  created_at: "2025-01-01T12:00:00.000Z",
};

export const UserBody = t.Object(userFields, { title: "User", examples: [USER_EXAMPLE] });
export const CurrentUserBody = t.Object(
  { ...userFields, email: t.Nullable(t.String()), mfa_enabled: t.Boolean({ description: "whether logging in takes a two-factor code" }) },
  { title: "CurrentUser", examples: [{ ...USER_EXAMPLE, email: "alice@example.com", mfa_enabled: false }] },
);

const tokenFields = {
  access_token: t.String({ description: "JWT; send as `Authorization: Bearer <token>`" }),
  refresh_token: t.String({ description: "single-use; trade it at /auth/refresh for a new pair" }),
  expires_in: ResponseInteger({ description: "access token lifetime in seconds" }),
};

const TOKENS_EXAMPLE = {
  access_token: "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwMTIzNDU2NzAwIn0.c2lnbmF0dXJl",
  refresh_token: "1234567890123456795.q8Jb2mXv0cR4tY6uW9zA1sD3fG5hK7lP",
  expires_in: 900,
};

export const TokensBody = t.Object(tokenFields, { title: "Tokens", examples: [TOKENS_EXAMPLE] });
export const AuthBody = t.Object(
  { user: CurrentUserBody, ...tokenFields },
  { title: "Auth", examples: [{ user: { ...USER_EXAMPLE, display_name: null, global_name: null, email: "alice@example.com", mfa_enabled: false }, ...TOKENS_EXAMPLE }] },
);

export const SessionBody = t.Object(
  {
    id: SnowflakeString,
    created_at: Timestamp,
    last_used_at: Timestamp,
    user_agent: t.Nullable(t.String()),
    ip: t.Nullable(t.String()),
    current: t.Boolean({ description: "true for the session of the calling token" }),
  },
  {
    title: "Session",
    examples: [
      {
        id: "1234567890123456795",
        created_at: "2025-01-01T12:00:00.000Z",
        last_used_at: "2025-01-01T12:15:00.000Z",
        user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
        ip: "203.0.113.7",
        current: true,
      },
    ],
  },
);


/** The public User object of API.md: never an email. */
export const toUserBody = (user: User): typeof UserBody.static => userPayload(user);

/** The caller's own User, with the email. */
export const toCurrentUserBody = (user: User): typeof CurrentUserBody.static => ({ ...toUserBody(user), email: user.email, mfa_enabled: user.mfaEnabled });

export const toTokensBody = (grant: TokenGrant): typeof TokensBody.static => ({
  access_token: grant.accessToken,
  refresh_token: grant.refreshToken,
  expires_in: grant.expiresIn,
});

export const toAuthBody = (result: { user: User; tokens: TokenGrant }): typeof AuthBody.static => ({
  user: toCurrentUserBody(result.user),
  ...toTokensBody(result.tokens),
});

export const toSessionBody = (session: Session, currentId: string): typeof SessionBody.static => ({
  id: session.id,
  created_at: session.createdAt.toISOString(),
  last_used_at: session.lastUsedAt.toISOString(),
  user_agent: session.userAgent,
  ip: session.ip,
  current: session.id === currentId,
});
