import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";

/** What a message's text asks to mention, before anyone checks who may be mentioned. */
export interface MentionRequest {
  /** Distinct user ids of `<@id>` and `<@!id>`, in order of first appearance, at most MENTIONS_MAX. */
  readonly userIds: readonly Snowflake[];
  /** Distinct role ids of `<@&id>`, in order of first appearance, at most MENTIONS_MAX. */
  readonly roleIds: readonly Snowflake[];
  /** True when the text says `@everyone`. */
  readonly everyone: boolean;
}

/** Mentions past this many are left as plain text: it bounds the permission checks and rows one send can cost. */
export const MENTIONS_MAX = 50;

const USER_MENTION = /<@!?([0-9]{1,20})>/g;
const ROLE_MENTION = /<@&([0-9]{1,20})>/g;
// `@everyone` as a word: not an email's tail (`a@everyone.com` still counts in Discord, but `x@everyone` mid-word does not).
const EVERYONE = /(^|[^\p{L}\p{N}_])@everyone(?![\p{L}\p{N}_])/u;

/** The distinct ids a pattern captures, in order of first appearance, at most MENTIONS_MAX. */
const idsOf = (content: string, pattern: RegExp): Snowflake[] => {
  const ids: Snowflake[] = [];
  // Most messages mention nobody: skip the regex walk when no `<@` is there at all.
  if (!content.includes("<@")) return ids;
  for (const match of content.matchAll(pattern)) {
    const id = match[1] as string;
    if (!isSnowflake(id) || ids.includes(id)) continue;
    ids.push(id);
    if (ids.length === MENTIONS_MAX) break;
  }
  return ids;
};

/** Reads the mentions out of message content. */
export const parseMentions = (content: string): MentionRequest => ({
  userIds: idsOf(content, USER_MENTION),
  roleIds: idsOf(content, ROLE_MENTION),
  everyone: EVERYONE.test(content),
});
