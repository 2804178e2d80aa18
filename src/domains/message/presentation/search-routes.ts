import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import { guildFailures } from "../../../shared/presentation/error-schemas";
import type { MessageUseCases } from "../application/message-use-cases";
import { ChannelParams, SearchQuery, SearchResultBody, tags } from "./message-schemas";

const { group, limitedRoute } = routesTagged(tags);

/** Search costs a full-text and a count query: 10 per 10 s per user. */
export const SEARCH_LIMIT: RateLimitRule = { bucket: "messages.search", limit: 10, periodMs: 10_000, by: "user" };

/** GET /guilds/{id}/messages/search. */
export const searchRoutes = (deps: RouteDeps<MessageUseCases>) =>
  group(deps)
    .get(
      "/guilds/:id/messages/search",
      async ({ caller, params, query }) => {
        const found = await deps.useCases.searchMessages(caller.userId, params.id, {
          content: query.content,
          authorId: query.author_id,
          channelId: query.channel_id,
          limit: query.limit,
          offset: query.offset,
        });
        return { total_results: found.total, messages: found.messages };
      },
      limitedRoute({ summary: "Search a guild's messages by words, author or channel, newest first; only channels the caller can read (members only)", schemas: { params: ChannelParams, query: SearchQuery }, ok: { 200: SearchResultBody }, failures: guildFailures, rateLimit: SEARCH_LIMIT }),
    );
