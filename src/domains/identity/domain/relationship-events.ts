import { type DomainEvent, type Topic, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type UserPayload, type UserProfile, userPayload } from "../../../shared/kernel/users";
import { type RelationshipType, type SideChange, touchesBlock } from "./relationship";

/** Every node hears the relationship events that add or end a block here (their block caches forget both users). */
export const BLOCK_CHANGES: Topic = "system:blocks";

/** Discord's relationship object. */
export interface RelationshipPayload {
  /** The other user's id. */
  readonly id: Snowflake;
  readonly type: RelationshipType;
  readonly user: UserPayload;
  readonly nickname: null;
  readonly since: string;
}

/** RELATIONSHIP_REMOVE's object: the relationship that ended. */
export interface RemovedRelationshipPayload {
  readonly id: Snowflake;
  readonly type: RelationshipType;
  readonly nickname: null;
}

/** `user_id` is whose relationship it is (the event's only session topic is theirs); `relationship` is what they are sent. */
export type RelationshipAdded = DomainEvent<"RELATIONSHIP_ADDED", { user_id: Snowflake; relationship: RelationshipPayload }>;
export type RelationshipRemoved = DomainEvent<"RELATIONSHIP_REMOVED", { user_id: Snowflake; relationship: RemovedRelationshipPayload }>;
export type RelationshipEvent = RelationshipAdded | RelationshipRemoved;

/** The side's owner, and every node's block cache when a block is added or ended. */
const topicsOf = (side: SideChange): Topic[] => (touchesBlock(side) ? [topics.user(side.userId), BLOCK_CHANGES] : [topics.user(side.userId)]);

/** The payload of a relationship with `other`. */
export const relationshipPayload = (other: UserProfile, type: RelationshipType, since: Date): RelationshipPayload => ({
  id: other.id,
  type,
  user: userPayload(other),
  nickname: null,
  since: since.toISOString(),
});

/** What one side's change tells its owner: RELATIONSHIP_ADDED with the new type, or RELATIONSHIP_REMOVED. */
export const relationshipChanged = (side: SideChange, other: UserProfile, since: Date): Unrecorded<RelationshipEvent> =>
  side.after === null
    ? { type: "RELATIONSHIP_REMOVED", topics: topicsOf(side), data: { user_id: side.userId, relationship: { id: side.otherId, type: side.before as RelationshipType, nickname: null } } }
    : { type: "RELATIONSHIP_ADDED", topics: topicsOf(side), data: { user_id: side.userId, relationship: relationshipPayload(other, side.after, since) } };
