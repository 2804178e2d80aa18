import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { unknownUser } from "../../../shared/kernel/common-errors";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import type { UserProfile } from "../../../shared/kernel/users";
import {
  MAX_RELATIONSHIPS,
  type RelationshipAction,
  RelationshipType,
  alreadyFriends,
  botsCannotHaveFriends,
  cannotFriendSelf,
  changedSides,
  nextPair,
  noSuchDiscordTag,
  relationshipLimit,
  touchesBlock,
} from "../domain/relationship";
import { type RelationshipPayload, relationshipChanged, relationshipPayload } from "../domain/relationship-events";
import type { Caller } from "../domain/session";
import type { BlockCache } from "./block-cache";
import type { IdentityDeps } from "./identity-deps";
import type { ProfileCache } from "./profile-cache";

type RelationshipDeps = Pick<IdentityDeps, "unitOfWork" | "repositories" | "clock"> & {
  readonly profiles: Pick<ProfileCache, "findUsers">;
  readonly blocks: Pick<BlockCache, "forget">;
};

/** Bot accounts have no friends, requests or blocks (Discord's 20001 on these routes). */
const peopleOnly = (caller: Caller) => {
  if (caller.bot) throw new DomainError(ErrorCode.BOTS_FORBIDDEN, "Bots cannot use this endpoint");
};

/** The caller's friends, requests and blocks, each with the other user; deleted accounts are left out. */
export const listRelationships =
  (deps: Pick<RelationshipDeps, "repositories" | "profiles">) =>
  async (caller: Caller): Promise<RelationshipPayload[]> => {
    peopleOnly(caller);
    const rows = await deps.repositories.relationships.list(caller.userId);
    const users = new Map((await deps.profiles.findUsers(rows.map((row) => row.otherId))).map((user) => [user.id, user]));
    return rows.flatMap((row) => {
      const other = users.get(row.otherId);
      // A deleted account's relationships end with it (its rows stay until someone changes the pair).
      return other && !other.deleted ? [relationshipPayload(other, row.type, row.since)] : [];
    });
  };

/**
 * Changes the caller's relationship with another user (domain/relationship.ts has the rules): RELATIONSHIP_ADD or
 * RELATIONSHIP_REMOVE to each side that changed, as Discord sends them. The pair is locked while it changes.
 * `viaUsername` is the POST by username, which says 80007 to a friend where the PUT changes nothing.
 */
export const changeRelationship =
  (deps: RelationshipDeps) =>
  async (caller: Caller, otherId: Snowflake, action: RelationshipAction, options: { readonly viaUsername?: boolean } = {}): Promise<void> => {
    peopleOnly(caller);
    if (otherId === caller.userId) throw action === "request" ? cannotFriendSelf() : new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { user_id: "Cannot be yourself." });
    const found = isSnowflake(otherId) ? await deps.profiles.findUsers([caller.userId, otherId]) : [];
    const me = found.find((user) => user.id === caller.userId);
    const other = found.find((user) => user.id === otherId);
    if (!me || !other || (other.deleted && action !== "remove")) throw unknownUser();
    if (action === "request" && other.bot) throw botsCannotHaveFriends();
    const now = new Date(deps.clock.now());
    const sides = await deps.unitOfWork(async ({ relationships }) => {
      const before = await relationships.lockPair(caller.userId, otherId);
      if (options.viaUsername && before.mine === RelationshipType.FRIEND) throw alreadyFriends();
      const after = nextPair(before, action);
      const changed = changedSides(caller.userId, otherId, before, after);
      for (const side of changed) {
        if (side.before === null && (await relationships.count(side.userId)) >= MAX_RELATIONSHIPS) throw relationshipLimit();
      }
      const profileOf = (id: Snowflake): UserProfile => (id === caller.userId ? me : other);
      await relationships.apply(changed, now, changed.map((side) => relationshipChanged(side, profileOf(side.otherId), now)));
      return changed;
    });
    // This node's checks see the block at once; other nodes drop their entries when the event reaches them.
    if (sides.some(touchesBlock)) deps.blocks.forget(caller.userId, otherId);
  };

/** Discord's friend request by name (`POST /users/@me/relationships`): 80004 when no account has it. */
export const requestFriendByUsername =
  (deps: RelationshipDeps) =>
  async (caller: Caller, username: string): Promise<void> => {
    peopleOnly(caller);
    // Usernames hold no "@" (that is how a login names an email), and are stored lower-cased.
    const found = username.includes("@") ? null : await deps.repositories.users.findCredentials(username);
    if (!found || found.user.deleted) throw noSuchDiscordTag();
    await changeRelationship(deps)(caller, found.user.id, "request", { viaUsername: true });
  };
