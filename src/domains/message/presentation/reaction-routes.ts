import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import { UserBody } from "../../identity";
import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
import type { MessageUseCases } from "../application/message-use-cases";
import { ReactionParams, ReactionUsersQuery, UNKNOWN_MESSAGE, channelFailures, tags } from "./message-schemas";

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

/** PUT|DELETE …/reactions/{emoji}/@me and GET …/reactions/{emoji}. */
export const reactionRoutes = (deps: RouteDeps<MessageUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .put(
      "/channels/:id/messages/:message_id/reactions/:emoji/@me",
      async ({ caller, params }) => useCases.addReaction(caller.userId, params.id, params.message_id, emojiOf(params.emoji)).then(noContent),
      {
        auth: true,
        rateLimit: REACTION_LIMIT,
        params: ReactionParams,
        response: { 204: NoContent, ...errorResponses({ auth: true, rateLimit: REACTION_LIMIT }, lacks("ADD_REACTIONS", "READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji"), fails("LIMIT_REACHED", "the message has 20 distinct emojis")) },
        detail: { summary: "React with a unicode emoji (ADD_REACTIONS); reacting twice changes nothing", tags, security },
      },
    )
    .delete(
      "/channels/:id/messages/:message_id/reactions/:emoji/@me",
      async ({ caller, params }) => useCases.removeReaction(caller.userId, params.id, params.message_id, emojiOf(params.emoji)).then(noContent),
      {
        auth: true,
        rateLimit: REACTION_LIMIT,
        params: ReactionParams,
        response: { 204: NoContent, ...errorResponses({ auth: true, rateLimit: REACTION_LIMIT }, lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji")) },
        detail: { summary: "Remove the caller's reaction", tags, security },
      },
    )
    .get(
      "/channels/:id/messages/:message_id/reactions/:emoji",
      ({ caller, params, query }) =>
        useCases.listReactionUsers(caller.userId, params.id, params.message_id, emojiOf(params.emoji), { limit: query.limit, after: query.after }),
      {
        auth: true,
        params: ReactionParams,
        query: ReactionUsersQuery,
        response: { 200: t.Array(UserBody), ...errorResponses({ auth: true }, lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE, fails("VALIDATION", "Unknown Emoji: not one unicode emoji")) },
        detail: { summary: "The users who reacted with an emoji, by ascending id (limit 1–100, after a user id)", tags, security },
      },
    );
};
