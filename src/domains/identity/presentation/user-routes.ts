import { t } from "elysia";
import { errorResponses, fails } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { IdentityUseCases } from "../application/identity-use-cases";
import {
  CurrentUserBody,
  DeleteMeBody,
  IdParams,
  SessionBody,
  UpdateMeBody,
  UserBody,
  toCurrentUserBody,
  toSessionBody,
  toUserBody,
} from "./identity-schemas";

/** /users/@me (profile, password, deletion), /users/@me/sessions and /users/{id}; all need a caller. */
export const userRoutes = (deps: RouteDeps<IdentityUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags: ["Identity"], security })
    .get("/users/@me", async ({ caller }) => toCurrentUserBody(await useCases.getCurrentUser(caller)), {
      auth: true,
      response: { 200: CurrentUserBody, ...errorResponses({ auth: true }) },
      detail: { summary: "The caller's account, with email", security },
    })
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
      {
        auth: true,
        body: UpdateMeBody,
        response: { 200: CurrentUserBody, ...errorResponses({ auth: true }, fails("VALIDATION", "a field breaks its rule, or current_password is missing or wrong for a new password"), fails("CONFLICT", "the username is taken, in any case")) },
        detail: { summary: "Change username, display name, avatar or password (needs current_password)", security },
      },
    )
    .delete(
      "/users/@me",
      async ({ caller, body }) => useCases.deleteCurrentUser(caller, body.password).then(noContent),
      {
        auth: true,
        body: DeleteMeBody,
        response: { 204: NoContent, ...errorResponses({ auth: true }, fails("VALIDATION", "the password is missing or wrong")) },
        detail: { summary: "Delete the account: personal data erased, every session ended", security },
      },
    )
    .get(
      "/users/@me/sessions",
      async ({ caller }) => (await useCases.listSessions(caller)).map((session) => toSessionBody(session, caller.sessionId)),
      {
        auth: true,
        response: { 200: t.Array(SessionBody), ...errorResponses({ auth: true }) },
        detail: { summary: "The caller's logged-in sessions (devices), newest first", security },
      },
    )
    .delete(
      "/users/@me/sessions/:id",
      async ({ caller, params }) => useCases.revokeSession(caller, params.id).then(noContent),
      {
        auth: true,
        params: IdParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, fails("UNKNOWN_SESSION", "no session of the caller has this id")) },
        detail: { summary: "Log one session out; its tokens stop working at once", security },
      },
    )
    .get("/users/:id", async ({ params }) => toUserBody(await useCases.getUser(params.id)), {
      auth: true,
      params: IdParams,
      response: { 200: UserBody, ...errorResponses({ auth: true }, fails("UNKNOWN_USER", "no such user")) },
      detail: { summary: "A user's public profile", security },
    });
};
