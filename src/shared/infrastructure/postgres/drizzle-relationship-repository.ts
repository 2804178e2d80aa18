import { and, asc, count, eq, inArray, or, sql } from "drizzle-orm";
import type { Unrecorded } from "../../kernel/domain-event";
import type { PairState, Relationship, RelationshipType, SideChange } from "../../../domains/identity/domain/relationship";
import type { RelationshipEvent } from "../../../domains/identity/domain/relationship-events";
import type { RelationshipRepository } from "../../../domains/identity/domain/relationship-repository";
import { type DbExecutor, preparedOnce } from "./database";
import { relationships, users } from "./identity-schema";
import type { Transact } from "./outbox";

const BLOCKED = 2;

/** Relationships in Postgres; `lockPair` and `apply` belong in one unit of work (`write` shares its transaction). */
export class DrizzleRelationshipRepository implements RelationshipRepository {
  /** READY reads it for every session that identifies. */
  private readonly listQuery = preparedOnce(() =>
    this.db
      .select()
      .from(relationships)
      .where(eq(relationships.userId, sql.placeholder("userId")))
      .orderBy(asc(relationships.since), asc(relationships.otherId))
      .prepare("relationships_of"),
  );

  constructor(
    private readonly db: DbExecutor,
    private readonly write: Transact,
  ) {}

  async list(userId: string): Promise<Relationship[]> {
    const rows = await this.listQuery().execute({ userId });
    return rows.map((row) => ({ ...row, type: row.type as RelationshipType }));
  }

  async count(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(relationships).where(eq(relationships.userId, userId));
    return Number(row?.n ?? 0);
  }

  async lockPair(userId: string, otherId: string): Promise<PairState> {
    // Both users' rows, in id order: two changes of one pair (or crossing requests) run one after the other.
    const ids = [userId, otherId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    await this.db.select({ id: users.id }).from(users).where(inArray(users.id, ids)).orderBy(asc(users.id)).for("update");
    const rows = await this.db
      .select({ userId: relationships.userId, type: relationships.type })
      .from(relationships)
      .where(or(and(eq(relationships.userId, userId), eq(relationships.otherId, otherId)), and(eq(relationships.userId, otherId), eq(relationships.otherId, userId))));
    const typeOf = (owner: string) => (rows.find((row) => row.userId === owner)?.type ?? null) as RelationshipType | null;
    return { mine: typeOf(userId), theirs: typeOf(otherId) };
  }

  async apply(sides: readonly SideChange[], since: Date, events: readonly Unrecorded<RelationshipEvent>[]): Promise<void> {
    await this.write(async (tx, outbox) => {
      for (const side of sides) {
        const key = and(eq(relationships.userId, side.userId), eq(relationships.otherId, side.otherId));
        if (side.after === null) await tx.delete(relationships).where(key);
        else
          await tx
            .insert(relationships)
            .values({ userId: side.userId, otherId: side.otherId, type: side.after, since })
            .onConflictDoUpdate({ target: [relationships.userId, relationships.otherId], set: { type: side.after, since } });
      }
      await outbox.write(tx, events);
    });
  }

  async blocksOf(userId: string): Promise<{ blocked: string[]; blockedBy: string[] }> {
    const rows = await this.db
      .select({ userId: relationships.userId, otherId: relationships.otherId })
      .from(relationships)
      .where(and(eq(relationships.type, BLOCKED), or(eq(relationships.userId, userId), eq(relationships.otherId, userId))));
    return {
      blocked: rows.filter((row) => row.userId === userId).map((row) => row.otherId),
      blockedBy: rows.filter((row) => row.otherId === userId).map((row) => row.userId),
    };
  }
}

