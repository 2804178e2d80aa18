import { t } from "elysia";
import type { Session } from "../domain/session";
import type { User } from "../domain/user";
import type { TokenGrant } from "../application/session-tokens";

const SnowflakeString = t.String({ pattern: "^[0-9]{1,20}$", description: "snowflake id", examples: ["1234567890123456789"] });
const Timestamp = t.String({ format: "date-time" });

/** Bodies: only generous size caps here; the domain checks the real rules so every transport gets them. */
const text = (description: string, maxLength: number) => t.String({ description, maxLength });
const strict = { additionalProperties: false } as const;

export const RegisterBody = t.Object(
  {
    username: text("2–32 characters of a-z 0-9 _ . (case-insensitive; stored lower-case)", 256),
    email: text("unique regardless of case", 320),
    password: text("8–128 characters", 1024),
  },
  strict,
);

export const LoginBody = t.Object({ login: text("email or username", 320), password: text("the account password", 1024) }, strict);

export const RefreshBody = t.Object({ refresh_token: text("the latest refresh token of the session", 512) }, strict);

export const UpdateMeBody = t.Object(
  {
    username: t.Optional(text("2–32 characters of a-z 0-9 _ .", 256)),
    display_name: t.Optional(t.Nullable(text("1–32 characters; null clears it", 256))),
    avatar: t.Optional(t.Nullable(text("an http(s) URL of at most 512 characters; null clears it", 1024))),
    password: t.Optional(text("the new password, 8–128 characters; logs out every other session", 1024)),
    current_password: t.Optional(text("required with password", 1024)),
  },
  strict,
);

export const DeleteMeBody = t.Object({ password: text("the account password", 1024) }, strict);

export const IdParams = t.Object({ id: SnowflakeString });

const userFields = {
  id: SnowflakeString,
  username: t.String(),
  display_name: t.Nullable(t.String()),
  avatar: t.Nullable(t.String()),
  bot: t.Boolean(),
  created_at: Timestamp,
};

export const UserBody = t.Object(userFields, { title: "User" });
export const CurrentUserBody = t.Object({ ...userFields, email: t.Nullable(t.String()) }, { title: "CurrentUser" });

const tokenFields = {
  access_token: t.String({ description: "JWT; send as `Authorization: Bearer <token>`" }),
  refresh_token: t.String({ description: "single-use; trade it at /auth/refresh for a new pair" }),
  expires_in: t.Integer({ description: "access token lifetime in seconds" }),
};

export const TokensBody = t.Object(tokenFields, { title: "Tokens" });
export const AuthBody = t.Object({ user: CurrentUserBody, ...tokenFields }, { title: "Auth" });

export const SessionBody = t.Object(
  {
    id: SnowflakeString,
    created_at: Timestamp,
    last_used_at: Timestamp,
    user_agent: t.Nullable(t.String()),
    ip: t.Nullable(t.String()),
    current: t.Boolean({ description: "true for the session of the calling token" }),
  },
  { title: "Session" },
);

export const NoContent = t.Void({ description: "No Content" });

/** The public User object of API.md: never an email. */
export const toUserBody = (user: User): typeof UserBody.static => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  avatar: user.avatar,
  bot: user.bot,
  created_at: user.createdAt.toISOString(),
});

/** The caller's own User, with the email. */
export const toCurrentUserBody = (user: User): typeof CurrentUserBody.static => ({ ...toUserBody(user), email: user.email });

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
