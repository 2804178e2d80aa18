import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Discord's relationship types. */
export const RelationshipType = { FRIEND: 1, BLOCKED: 2, PENDING_INCOMING: 3, PENDING_OUTGOING: 4 } as const;
export type RelationshipType = (typeof RelationshipType)[keyof typeof RelationshipType];

/** Discord's limit on a user's relationships (friends, requests and blocks together). */
export const MAX_RELATIONSHIPS = 1000;

/** One side's relationship with another user. */
export interface Relationship {
  readonly userId: Snowflake;
  readonly otherId: Snowflake;
  readonly type: RelationshipType;
  readonly since: Date;
}

/** What each side of a pair holds: `mine` is the acting user's type toward the other, `theirs` the other's toward them. */
export interface PairState {
  readonly mine: RelationshipType | null;
  readonly theirs: RelationshipType | null;
}

/** What the acting user asks: a friend request (or accepting one), a block, or ending whatever they hold. */
export type RelationshipAction = "request" | "block" | "remove";

export const friendRequestBlocked = () => new DomainError(ErrorCode.FRIEND_REQUEST_BLOCKED, "Friend request blocked");
export const botsCannotHaveFriends = () => new DomainError(ErrorCode.BOTS_CANNOT_HAVE_FRIENDS, "Bots cannot have friends");
export const cannotFriendSelf = () => new DomainError(ErrorCode.CANNOT_FRIEND_SELF, "Cannot send friend request to self");
export const noSuchDiscordTag = () => new DomainError(ErrorCode.NO_SUCH_DISCORD_TAG, "No users with DiscordTag exist");
export const alreadyFriends = () => new DomainError(ErrorCode.ALREADY_FRIENDS, "You're already friends with that user.");
export const relationshipLimit = () => new DomainError(ErrorCode.RELATIONSHIP_LIMIT, `Maximum number of friends reached (${MAX_RELATIONSHIPS})`);

/**
 * The pair after `action`, Discord's rules:
 * - request: none → outgoing/incoming; an incoming one is accepted (both FRIEND); outgoing or friends stay as they
 *   are. Refused (80001, without saying why) when either side blocks the other.
 * - block: the actor's side becomes BLOCKED, and the other's friendship or request ends (a block of theirs stays).
 * - remove: the actor's side ends; a friendship or request ends on both sides, a block only on the actor's.
 */
export const nextPair = (state: PairState, action: RelationshipAction): PairState => {
  const { mine, theirs } = state;
  const theirsWithout = theirs === RelationshipType.BLOCKED ? theirs : null;
  switch (action) {
    case "request":
      if (mine === RelationshipType.BLOCKED || theirs === RelationshipType.BLOCKED) throw friendRequestBlocked();
      if (mine === RelationshipType.PENDING_INCOMING) return { mine: RelationshipType.FRIEND, theirs: RelationshipType.FRIEND };
      if (mine === RelationshipType.FRIEND || mine === RelationshipType.PENDING_OUTGOING) return state;
      return { mine: RelationshipType.PENDING_OUTGOING, theirs: RelationshipType.PENDING_INCOMING };
    case "block":
      return { mine: RelationshipType.BLOCKED, theirs: theirsWithout };
    case "remove":
      if (mine === null) return state;
      return { mine: null, theirs: mine === RelationshipType.BLOCKED ? theirs : theirsWithout };
  }
};

/** A side's change: what it held and what it holds now (null: nothing); only sides that changed are listed. */
export interface SideChange {
  readonly userId: Snowflake;
  readonly otherId: Snowflake;
  readonly before: RelationshipType | null;
  readonly after: RelationshipType | null;
}

/** The changed sides between two states of the pair of `actorId` and `otherId`. */
export const changedSides = (actorId: Snowflake, otherId: Snowflake, before: PairState, after: PairState): SideChange[] => {
  const sides: SideChange[] = [];
  if (before.mine !== after.mine) sides.push({ userId: actorId, otherId, before: before.mine, after: after.mine });
  if (before.theirs !== after.theirs) sides.push({ userId: otherId, otherId: actorId, before: before.theirs, after: after.theirs });
  return sides;
};

/** Whether a side's change touches a block (the caches of who blocked whom must forget both users). */
export const touchesBlock = (side: SideChange) => side.before === RelationshipType.BLOCKED || side.after === RelationshipType.BLOCKED;
