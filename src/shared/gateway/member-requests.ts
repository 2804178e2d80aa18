import type { GatewaySession } from "./gateway-session";
import type { MemberPayloadLike, PresencePayload } from "./gateway-ports";
import {
  CloseCode,
  MEMBER_QUERY_MAX,
  MEMBER_REQUEST_LIMIT,
  MEMBERS_PER_CHUNK,
  Op,
  RequestGuildMembersPayload,
  snowflakeOf,
} from "./gateway-protocol";
import type { OpHandler } from "./handler-context";
import { ALL_INTENTS, Intent } from "./intents";

/** The longest nonce echoed back (Discord's): a longer one is ignored. */
const MAX_NONCE_BYTES = 32;

/** Each session's op 8 window, kept beside it rather than on every session: few sessions ever send op 8. */
const windows = new WeakMap<GatewaySession, { start: number; count: number }>();

/** Seconds until the session may send op 8 again, or 0 when it may now (and the request is counted). */
const retryAfter = (session: GatewaySession, now: number): number => {
  let window = windows.get(session);
  if (window === undefined || now - window.start >= MEMBER_REQUEST_LIMIT.periodMs) windows.set(session, (window = { start: now, count: 0 }));
  if (window.count >= MEMBER_REQUEST_LIMIT.limit) return (window.start + MEMBER_REQUEST_LIMIT.periodMs - now) / 1000;
  window.count++;
  return 0;
};

/** GUILD_MEMBERS_CHUNK payloads: MEMBERS_PER_CHUNK members each, at least one chunk; each chunk with its members' presences. */
export const memberChunks = (
  guildId: string,
  members: readonly MemberPayloadLike[],
  extras: { notFound?: readonly string[]; presences?: readonly PresencePayload[]; nonce?: string },
) => {
  const count = Math.max(1, Math.ceil(members.length / MEMBERS_PER_CHUNK));
  const presenceOf = new Map((extras.presences ?? []).map((presence) => [presence.user.id, presence]));
  return Array.from({ length: count }, (_, index) => {
    const slice = members.slice(index * MEMBERS_PER_CHUNK, (index + 1) * MEMBERS_PER_CHUNK);
    return {
      guild_id: guildId,
      members: slice,
      chunk_index: index,
      chunk_count: count,
      ...(extras.notFound && extras.notFound.length > 0 && index === 0 ? { not_found: extras.notFound } : {}),
      ...(extras.presences ? { presences: slice.flatMap((member) => presenceOf.get(member.user.id) ?? []) } : {}),
      ...(extras.nonce === undefined ? {} : { nonce: extras.nonce }),
    };
  });
};

/**
 * Op 8 REQUEST_GUILD_MEMBERS: members of a guild the session's user belongs to, by `user_ids` (at most 100) or by
 * username prefix `query` ("" with limit 0 for every member, which a session with intents needs GUILD_MEMBERS
 * for; `presences` needs GUILD_PRESENCES: 4013 otherwise, the close code of an intent problem). Answered with
 * GUILD_MEMBERS_CHUNK dispatches; a guild the user is not in gets none. Past MEMBER_REQUEST_LIMIT the session gets
 * a RATE_LIMITED dispatch (Discord's) instead.
 */
export const requestGuildMembers: OpHandler = {
  schema: RequestGuildMembersPayload,
  phase: "authenticated",
  async handle({ session, deps, close }, payload: RequestGuildMembersPayload) {
    const viewer = session.viewer;
    if (!viewer) return;
    const intents = session.profile?.intents ?? ALL_INTENTS;
    const guildId = snowflakeOf(payload.guild_id);
    const userIds =
      payload.user_ids === undefined ? undefined : [...new Set((Array.isArray(payload.user_ids) ? payload.user_ids : [payload.user_ids]).map(snowflakeOf))];
    if (userIds === undefined && payload.query === undefined) return close(CloseCode.DecodeError, "Invalid payload for op 8: query or user_ids is required");
    const query = userIds === undefined ? payload.query! : undefined;
    const limit = payload.limit ?? 0;
    if (payload.presences && (intents & Intent.GUILD_PRESENCES) === 0) return close(CloseCode.InvalidIntents, "Requesting presences needs the GUILD_PRESENCES intent");
    if (query === "" && limit === 0 && (intents & Intent.GUILD_MEMBERS) === 0) {
      return close(CloseCode.InvalidIntents, "Requesting every member needs the GUILD_MEMBERS intent");
    }
    const nonce = payload.nonce !== undefined && Buffer.byteLength(payload.nonce) <= MAX_NONCE_BYTES ? payload.nonce : undefined;
    const wait = retryAfter(session, deps.now());
    if (wait > 0) {
      const meta = { guild_id: guildId, ...(nonce === undefined ? {} : { nonce }) };
      await session.enqueue(() => void session.dispatch("RATE_LIMITED", { opcode: Op.RequestGuildMembers, retry_after: wait, meta }));
      return;
    }
    // A query returns at most MEMBER_QUERY_MAX members (Discord's); "" with a limit returns the first `limit`.
    const cap = query === undefined ? 0 : query === "" ? limit : Math.min(limit === 0 ? MEMBER_QUERY_MAX : limit, MEMBER_QUERY_MAX);
    const found = deps.members ? await deps.members.find(viewer.userId, guildId, { userIds, query, limit: cap }) : { members: [], notFound: userIds ?? [] };
    if (found === null) return;
    const presences = payload.presences ? await deps.presence.presencesOf(viewer, found.members.map((member) => member.user.id), guildId) : undefined;
    const chunks = memberChunks(guildId, found.members, { notFound: found.notFound, presences, nonce });
    await session.enqueue(() => {
      for (const chunk of chunks) void session.dispatch("GUILD_MEMBERS_CHUNK", chunk);
    });
  },
};
