import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import type { IdentityUseCases } from "../application/identity-use-cases";
import { BackupCodesBody, BackupCodesRequestBody, DisableTotpBody, EnableTotpBody, TotpSecretBody, toBackupCodesBody } from "./mfa-schemas";
import {
  CurrentUserBody,
  DeleteMeBody,
  IdParams,
  UserIdParams,
  SessionBody,
  UpdateMeBody,
  UserBody,
  toCurrentUserBody,
  toSessionBody,
  toUserBody,
} from "./identity-schemas";

const { group, route, limitedRoute } = routesTagged(["Identity"]);
/** Changes of two-factor settings per user: each checks a password or a code, so keep guessing slow. */
export const MFA_SETTINGS_LIMIT: RateLimitRule = { bucket: "users.mfa", limit: 5, periodMs: 60_000, by: "user" };
/** Bot accounts have no password and no login sessions. */
const BOTS_FORBIDDEN = fails("BOTS_FORBIDDEN", "the caller is a bot account");

/** /users/@me (profile, password, deletion), /users/@me/sessions, /users/@me/mfa/… and /users/{id}; all need a caller. */
export const userRoutes = ({ useCases, ...deps }: RouteDeps<IdentityUseCases>) => {
  return group(deps)
    .get(
      "/users/@me",
      async ({ caller }) => toCurrentUserBody(await useCases.getCurrentUser(caller)),
      route({ summary: "The caller's account, with email", schemas: {}, ok: { 200: CurrentUserBody } }),
    )
    .patch(
      "/users/@me",
      async ({ caller, body }) =>
        toCurrentUserBody(
          await useCases.updateCurrentUser(caller, {
            username: body.username,
            displayName: body.display_name,
            avatar: body.avatar,
            password: body.password,
            currentPassword: body.current_password,
          }),
        ),
      route({ summary: "Change username, display name, avatar or password (needs current_password)", schemas: { body: UpdateMeBody }, ok: { 200: CurrentUserBody }, failures: [fails("VALIDATION", "a field breaks its rule, or current_password is missing or wrong for a new password"), fails("CONFLICT", "the username is taken, in any case")] }),
    )
    .delete(
      "/users/@me",
      async ({ caller, body }) => useCases.deleteCurrentUser(caller, body.password).then(noContent),
      route({ summary: "Delete the account: personal data erased, every session ended", schemas: { body: DeleteMeBody }, ok: { 204: NoContent }, failures: [fails("VALIDATION", "the password is missing or wrong"), BOTS_FORBIDDEN] }),
    )
    .get(
      "/users/@me/sessions",
      async ({ caller }) => (await useCases.listSessions(caller)).map((session) => toSessionBody(session, caller.sessionId)),
      route({ summary: "The caller's logged-in sessions (devices), newest first", schemas: {}, ok: { 200: t.Array(SessionBody) }, failures: [BOTS_FORBIDDEN] }),
    )
    .delete(
      "/users/@me/sessions/:id",
      async ({ caller, params }) => useCases.revokeSession(caller, params.id).then(noContent),
      route({ summary: "Log one session out; its tokens stop working at once", schemas: { params: IdParams }, ok: { 204: NoContent }, failures: [fails("UNKNOWN_SESSION", "no session of the caller has this id"), BOTS_FORBIDDEN] }),
    )
    .get(
      "/users/@me/mfa/totp/secret",
      ({ caller }) => useCases.newTotpEnrolment(caller),
      route({ summary: "A new TOTP secret and its otpauth:// URI for an authenticator app (nothing is stored until enable)", schemas: {}, ok: { 200: TotpSecretBody }, failures: [BOTS_FORBIDDEN] }),
    )
    .post(
      "/users/@me/mfa/totp/enable",
      async ({ caller, body }) => {
        const { user, backupCodes } = await useCases.enableTotp(caller, body);
        return toBackupCodesBody(user.id, backupCodes);
      },
      limitedRoute({
        summary: "Turn two-factor login on with a secret, its current code and the password; answers the 10 backup codes once and ends every other session",
        schemas: { body: EnableTotpBody },
        ok: { 200: BackupCodesBody },
        rateLimit: MFA_SETTINGS_LIMIT,
        failures: [
          fails("VALIDATION", "the password is missing or wrong"),
          fails("INVALID_MFA_SECRET", "the secret is not 16–64 base32 characters"),
          fails("INVALID_MFA_CODE", "the code is not the secret's current one (±30 s)"),
          fails("MFA_ALREADY_ENABLED", "two-factor login is already on"),
          BOTS_FORBIDDEN,
        ],
      }),
    )
    .post(
      "/users/@me/mfa/totp/disable",
      async ({ caller, body }) => useCases.disableTotp(caller, body.code).then(noContent),
      limitedRoute({
        summary: "Turn two-factor login off with a current code or a backup code",
        schemas: { body: DisableTotpBody },
        ok: { 204: NoContent },
        rateLimit: MFA_SETTINGS_LIMIT,
        failures: [
          fails("INVALID_MFA_CODE", "the code is wrong or already used, or the account is locked after 10 wrong codes"),
          fails("MFA_NOT_ENABLED", "two-factor login is off"),
          BOTS_FORBIDDEN,
        ],
      }),
    )
    .post(
      "/users/@me/mfa/codes",
      async ({ caller, body }) => toBackupCodesBody(caller.userId, await useCases.regenerateBackupCodes(caller, body.password)),
      limitedRoute({
        summary: "Ten new backup codes after the password; the old ones stop working",
        schemas: { body: BackupCodesRequestBody },
        ok: { 200: BackupCodesBody },
        rateLimit: MFA_SETTINGS_LIMIT,
        failures: [fails("VALIDATION", "the password is missing or wrong"), fails("MFA_NOT_ENABLED", "two-factor login is off"), BOTS_FORBIDDEN],
      }),
    )
    .get(
      "/users/:id",
      // `@me` here too, as on Discord: a client that percent-encodes every segment asks for /users/%40me, which the
      // router matches to this route rather than to /users/@me.
      async ({ caller, params }) =>
        params.id === "@me" ? toCurrentUserBody(await useCases.getCurrentUser(caller)) : toUserBody(await useCases.getUser(params.id)),
      route({
        summary: "A user's public profile; `@me` (also percent-encoded, `%40me`) is the caller's own account, with email",
        schemas: { params: UserIdParams },
        ok: { 200: t.Union([UserBody, CurrentUserBody]) },
        failures: [fails("UNKNOWN_USER", "no such user")],
      }),
    );
};
