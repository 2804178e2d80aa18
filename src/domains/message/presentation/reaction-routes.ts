import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { UserBody } from "../../identity";
import { fails, lacks } from "../../../shared/presentation/error-schemas";
import type { MessageUseCases } from "../application/message-use-cases";
import { ReactionParams, ReactionUsersQuery, UNKNOWN_MESSAGE, channelFailures, tags } from "./message-schemas";

const { group, route, limitedRoute } = routesTagged(tags);

/** Reacting is cheap to click and costly to fan out: 10 changes per 5 s per user. */
export const REACTION_LIMIT: RateLimitRule = { bucket: "messages.reactions", limit: 10, periodMs: 5000, by: "user" };

/** Path params arrive percent-decoded, except when a client encoded twice or the router left them as is. */
const emojiOf = (raw: string): string => {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** PUT|DELETE …/reactions/{emoji}/@me and GET …/reactions/{emoji}; `emoji` is a unicode emoji or `name:id`. */
export const reactionRoutes = ({ useCases, ...deps }: RouteDeps<MessageUseCases>) => {
  return group(deps)
    .put(
      "/channels/:id/messages/:message_id/reactions/:emoji/@me",
      async ({ caller, params }) => useCases.addReaction(caller.userId, params.id, params.message_id, emojiOf(params.emoji)).then(noContent),
      limitedRoute({ summary: "React with a unicode emoji or a custom one as `name:id` (ADD_REACTIONS); reacting twice changes nothing", schemas: { params: ReactionParams }, ok: { 204: NoContent }, failures: [lacks("ADD_REACTIONS", "READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji nor `name:id`"), fails("INVALID_EMOJI", "a custom emoji that does not exist, of a guild the caller is not in, or restricted to roles the caller lacks"), fails("LIMIT_REACHED", "the message has 20 distinct emojis")], rateLimit: REACTION_LIMIT }),
    )
    .delete(
      "/channels/:id/messages/:message_id/reactions/:emoji/@me",
      async ({ caller, params }) => useCases.removeReaction(caller.userId, params.id, params.message_id, emojiOf(params.emoji)).then(noContent),
      limitedRoute({ summary: "Remove the caller's reaction", schemas: { params: ReactionParams }, ok: { 204: NoContent }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji nor `name:id`")], rateLimit: REACTION_LIMIT }),
    )
    .get(
      "/channels/:id/messages/:message_id/reactions/:emoji",
      ({ caller, params, query }) =>
        useCases.listReactionUsers(caller.userId, params.id, params.message_id, emojiOf(params.emoji), { limit: query.limit, after: query.after }),
      route({ summary: "The users who reacted with an emoji, by ascending id (limit 1–100, after a user id)", schemas: { params: ReactionParams, query: ReactionUsersQuery }, ok: { 200: t.Array(UserBody) }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji nor `name:id`")] }),
    );
};
