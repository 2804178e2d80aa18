import { checkFields } from "../../../shared/kernel/field-checks";
import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ChannelType } from "../../channel";
import { codePointLength } from "../../../shared/kernel/text";
import type { MessagePayload } from "../domain/message-payloads";
import { memberStanding } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { renderMessages } from "./message-views";
import { withThreads } from "./starter-threads";

export const SEARCH_QUERY_MAX = 200;
export const SEARCH_LIMIT_MAX = 25;
export const SEARCH_OFFSET_MAX = 5000;

export interface SearchInput {
  readonly content?: string;
  readonly authorId?: Snowflake;
  readonly channelId?: Snowflake;
  readonly limit?: number;
  readonly offset?: number;
}

const READABLE = Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY;

/**
 * Full-text search of a guild's messages, newest first, for members only (403 50001 otherwise): the words of
 * `content` (all of them, any case), optionally by one author or in one channel, and only ever in the text
 * channels the caller can read (VIEW_CHANNEL and READ_MESSAGE_HISTORY). DMs are never part of a guild search.
 */
export const searchMessages =
  (deps: Pick<MessageDeps, "guilds" | "permissions" | "repositories" | "users" | "signer" | "clock" | "publicUrl" | "threadsByIds">) =>
  async (userId: Snowflake, guildId: Snowflake, input: SearchInput): Promise<{ total: number; messages: MessagePayload[] }> => {
    const fields = checkFields({
      content: () => {
        const content = input.content?.trim() ?? "";
        if (codePointLength(content) > SEARCH_QUERY_MAX) throw invalidField("content", `Must be ${SEARCH_QUERY_MAX} or fewer in length.`);
        return content === "" ? undefined : content;
      },
      limit: () => {
        const limit = input.limit ?? SEARCH_LIMIT_MAX;
        if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) throw invalidField("limit", `Must be between 1 and ${SEARCH_LIMIT_MAX}.`);
        return limit;
      },
      offset: () => {
        const offset = input.offset ?? 0;
        if (!Number.isInteger(offset) || offset < 0 || offset > SEARCH_OFFSET_MAX) throw invalidField("offset", `Must be between 0 and ${SEARCH_OFFSET_MAX}.`);
        return offset;
      },
    });
    await memberStanding(deps, guildId, userId);
    const readable = (await deps.permissions.channelsOf(userId, guildId))
      .filter((entry) => entry.channel.type === ChannelType.GUILD_TEXT && hasPermission(entry.permissions, READABLE))
      .map((entry) => entry.channel.id)
      .filter((id) => input.channelId === undefined || id === input.channelId);
    if (readable.length === 0) return { total: 0, messages: [] };
    const found = await deps.repositories.messages.search(
      { channelIds: readable, content: fields.content, authorId: input.authorId, limit: fields.limit, offset: fields.offset },
      userId,
    );
    return { total: found.total, messages: await renderMessages(deps, await withThreads(deps, found.messages)) };
  };
