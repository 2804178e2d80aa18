import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { IdentityUseCases } from "../application/identity-use-cases";
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

const { group, route } = routesTagged(["Identity"]);
/** Bot accounts have no password and no login sessions. */
const BOTS_FORBIDDEN = fails("BOTS_FORBIDDEN", "the caller is a bot account");

/** /users/@me (profile, password, deletion), /users/@me/sessions and /users/{id}; all need a caller. */
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
