import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import type { IdentityUseCases } from "../application/identity-use-cases";
import { FriendRequestBody, PutRelationshipBody, RelationshipBody, RelationshipParams } from "./relationship-schemas";

const { group, route, limitedRoute } = routesTagged(["Relationships"]);
/** Requests, blocks and removals per user: each may notify another user, so no one is flooded with requests. */
export const RELATIONSHIP_CHANGES_LIMIT: RateLimitRule = { bucket: "users.relationships", limit: 30, periodMs: 60_000, by: "user" };
const BOTS_FORBIDDEN = fails("BOTS_FORBIDDEN", "the caller is a bot account: bots have no relationships");

/** /users/@me/relationships: Discord's friends, friend requests and blocks (people only). */
export const relationshipRoutes = ({ useCases, ...deps }: RouteDeps<IdentityUseCases>) =>
  group(deps)
    .get(
      "/users/@me/relationships",
      ({ caller }) => useCases.listRelationships(caller),
      route({ summary: "The caller's friends, friend requests and blocks", schemas: {}, ok: { 200: t.Array(RelationshipBody) }, failures: [BOTS_FORBIDDEN] }),
    )
    .put(
      "/users/@me/relationships/:user_id",
      async ({ caller, params, body }) => useCases.changeRelationship(caller, params.user_id, body?.type === 2 ? "block" : "request").then(noContent),
      limitedRoute({
        summary: "Send a friend request (or accept theirs) with no type or type 1; block with type 2 (ends a friendship or request)",
        schemas: { params: RelationshipParams, body: t.Optional(PutRelationshipBody) },
        ok: { 204: NoContent },
        rateLimit: RELATIONSHIP_CHANGES_LIMIT,
        failures: [
          fails("UNKNOWN_USER", "no such user, or a deleted one"),
          fails("FRIEND_REQUEST_BLOCKED", "a friend request where either side blocked the other"),
          fails("BOTS_CANNOT_HAVE_FRIENDS", "a friend request to a bot account"),
          fails("CANNOT_FRIEND_SELF", "a friend request to the caller"),
          fails("VALIDATION", "a block of the caller, or a type other than 1 or 2"),
          fails("RELATIONSHIP_LIMIT", "either side already has 1000 relationships"),
          BOTS_FORBIDDEN,
        ],
      }),
    )
    .delete(
      "/users/@me/relationships/:user_id",
      async ({ caller, params }) => useCases.changeRelationship(caller, params.user_id, "remove").then(noContent),
      limitedRoute({
        summary: "Remove a friend, cancel or decline a request, or unblock (nothing to remove is no error)",
        schemas: { params: RelationshipParams },
        ok: { 204: NoContent },
        rateLimit: RELATIONSHIP_CHANGES_LIMIT,
        failures: [fails("UNKNOWN_USER", "no such user"), fails("VALIDATION", "the caller's own id"), BOTS_FORBIDDEN],
      }),
    )
    .post(
      "/users/@me/relationships",
      async ({ caller, body }) => useCases.requestFriendByUsername(caller, body.username).then(noContent),
      limitedRoute({
        summary: "Send a friend request by username (Discord's; the discriminator is ignored)",
        schemas: { body: FriendRequestBody },
        ok: { 204: NoContent },
        rateLimit: RELATIONSHIP_CHANGES_LIMIT,
        failures: [
          fails("NO_SUCH_DISCORD_TAG", "no account has this username"),
          fails("ALREADY_FRIENDS", "the user is already a friend"),
          fails("FRIEND_REQUEST_BLOCKED", "either side blocked the other"),
          fails("BOTS_CANNOT_HAVE_FRIENDS", "the user is a bot account"),
          fails("CANNOT_FRIEND_SELF", "the caller's own username"),
          fails("RELATIONSHIP_LIMIT", "either side already has 1000 relationships"),
          BOTS_FORBIDDEN,
        ],
      }),
    );
