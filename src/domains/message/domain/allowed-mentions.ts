import { DomainError, ErrorCode, type FieldErrors } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Discord's `allowed_mentions`: which of the mentions a message's text makes may notify anyone. */
export interface AllowedMentions {
  readonly parse?: readonly ("users" | "roles" | "everyone")[];
  readonly users?: readonly Snowflake[];
  readonly roles?: readonly Snowflake[];
  readonly repliedUser?: boolean;
}

/** Users or roles named in `allowed_mentions` at most, as Discord. */
export const ALLOWED_MENTIONS_IDS_MAX = 100;

/** Checks `allowed_mentions` as Discord does: ≤100 users and roles, and `parse` of a kind excludes a list of it. */
export const checkAllowedMentions = (allowed: AllowedMentions | undefined, field = "allowed_mentions"): AllowedMentions | undefined => {
  if (!allowed) return undefined;
  const errors: FieldErrors = {};
  const parse = new Set(allowed.parse ?? []);
  for (const kind of ["users", "roles"] as const) {
    const ids = allowed[kind] ?? [];
    if (ids.length > ALLOWED_MENTIONS_IDS_MAX) errors[`${field}.${kind}`] = `Must be ${ALLOWED_MENTIONS_IDS_MAX} or fewer in length.`;
    else if (parse.has(kind) && ids.length > 0) errors[field] = `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`;
  }
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", errors);
  return allowed;
};

/** What a message may mention: the mentions its text makes are kept only where these say yes. */
export interface MentionPolicy {
  readonly user: (id: Snowflake) => boolean;
  readonly role: (id: Snowflake) => boolean;
  readonly everyone: boolean;
  /** A reply mentions the replied-to author. */
  readonly repliedUser: boolean;
}

/**
 * Discord's rules: without `allowed_mentions` every mention counts, the replied-to author's included. With it, a
 * kind counts when `parse` names it, or only the listed ids of it; `@everyone` only when parsed; the replied-to
 * author only with `replied_user: true`.
 */
export const mentionPolicy = (allowed: AllowedMentions | undefined): MentionPolicy => {
  if (!allowed) return { user: () => true, role: () => true, everyone: true, repliedUser: true };
  const parse = new Set(allowed.parse ?? []);
  const only = (all: boolean, ids: readonly Snowflake[] | undefined) => {
    if (all) return () => true;
    const listed = new Set(ids ?? []);
    return (id: Snowflake) => listed.has(id);
  };
  return {
    user: only(parse.has("users"), allowed.users),
    role: only(parse.has("roles"), allowed.roles),
    everyone: parse.has("everyone"),
    repliedUser: allowed.repliedUser === true,
  };
};
