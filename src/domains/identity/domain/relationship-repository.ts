import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { PairState, Relationship, SideChange } from "./relationship";
import type { RelationshipEvent } from "./relationship-events";

/** Friends, requests and blocks. Writes take the events of the change and store them in the same transaction. */
export interface RelationshipRepository {
  /** The user's relationships, oldest first. */
  list(userId: Snowflake): Promise<Relationship[]>;
  /** How many relationships the user holds. */
  count(userId: Snowflake): Promise<number>;
  /** Both sides of the pair, locked for the rest of the transaction (concurrent changes of one pair queue). */
  lockPair(userId: Snowflake, otherId: Snowflake): Promise<PairState>;
  /** Writes the changed sides (`since` for the new ones) and the events. */
  apply(sides: readonly SideChange[], since: Date, events: readonly Unrecorded<RelationshipEvent>[]): Promise<void>;
  /** Who the user blocked and who blocked them. */
  blocksOf(userId: Snowflake): Promise<{ blocked: Snowflake[]; blockedBy: Snowflake[] }>;
}
