import type { Unrecorded } from "../../kernel/domain-event";
import { eq, sql } from "drizzle-orm";
import type { User, UserCredentials } from "../../../domains/identity/domain/user";
import { alreadyTaken } from "../../../domains/identity/domain/user";
import type { UserEvent } from "../../../domains/identity/domain/user-events";
import type { UserRepository } from "../../../domains/identity/domain/user-repository";
import { type DbExecutor, preparedOnce } from "./database";
import { users } from "./identity-schema";
import type { Transact } from "./outbox";

type UserRow = typeof users.$inferSelect;

/** Every column but the password hash: only the login reads that (a history page must not carry hashes around). */
const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  avatar: users.avatar,
  bot: users.bot,
  email: users.email,
  createdAt: users.createdAt,
  deleted: users.deleted,
  mfaEnabled: users.mfaEnabled,
};

const toUser = (row: Omit<UserRow, "passwordHash" | "updatedAt">): User => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  avatar: row.avatar,
  bot: row.bot,
  email: row.email,
  createdAt: row.createdAt,
  deleted: row.deleted,
  mfaEnabled: row.mfaEnabled,
});

const toCredentials = (row: UserRow | undefined): UserCredentials | null =>
  row ? { user: toUser(row), passwordHash: row.passwordHash } : null;

/** The unique constraint a failed statement broke (postgres-js and PGlite name it differently; drizzle wraps both). */
export const violatedConstraint = (error: unknown): string | undefined => {
  for (let cause = error; cause && typeof cause === "object"; cause = (cause as { cause?: unknown }).cause) {
    const { code, constraint_name: name, constraint } = cause as Record<string, unknown>;
    if (code === "23505") return String(name ?? constraint ?? "");
  }
  return undefined;
};

/**
 * Turns a taken username or email into CONFLICT on that field. Any other failure is rethrown as the driver's own
 * error: drizzle's wrapper lists the query parameters (email, password hash), which must not reach logs or Sentry.
 */
const explainConflict = (error: unknown): never => {
  const constraint = violatedConstraint(error);
  if (constraint === "users_username_key") throw alreadyTaken("username");
  if (constraint === "users_email_lower_key") throw alreadyTaken("email");
  const cause = (error as { cause?: unknown }).cause;
  throw cause instanceof Error ? cause : error;
};

/** Accounts in Postgres; writes and their events share one transaction (`write`). */
export class DrizzleUserRepository implements UserRepository {
  /** READY and most lookups of one user read it. */
  private readonly findQuery = preparedOnce(() => this.db.select(userColumns).from(users).where(eq(users.id, sql.placeholder("id"))).limit(1).prepare("user_find"));

  constructor(
    private readonly db: DbExecutor,
    private readonly write: Transact,
  ) {}

  async insert(user: User, passwordHash: string | null, events: readonly Unrecorded<UserEvent>[]): Promise<void> {
    await this.write(async (tx, outbox) => {
      await tx
        .insert(users)
        .values({ ...this.columns(user), passwordHash, createdAt: user.createdAt })
        .catch(explainConflict);
      await outbox.write(tx, events);
    });
  }

  async find(id: string): Promise<User | null> {
    const [row] = await this.findQuery().execute({ id });
    return row ? toUser(row) : null;
  }

  async findMany(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    // One array parameter, not one per id: a single statement text, which the driver prepares once per connection.
    const rows = await this.db
      .select(userColumns)
      .from(users)
      .where(sql`${users.id} = ANY(${sql.param([...new Set(ids)])}::bigint[])`);
    return rows.map(toUser);
  }

  async findCredentials(login: string): Promise<UserCredentials | null> {
    const condition = login.includes("@")
      ? sql`lower(${users.email}) = lower(${login})`
      : eq(users.username, login.toLowerCase());
    const [row] = await this.db.select().from(users).where(condition).limit(1);
    return toCredentials(row);
  }

  async findCredentialsById(id: string): Promise<UserCredentials | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return toCredentials(row);
  }

  async update(user: User, events: readonly Unrecorded<UserEvent>[], passwordHash?: string | null): Promise<void> {
    await this.write(async (tx, outbox) => {
      await tx
        .update(users)
        .set({ ...this.columns(user), ...(passwordHash === undefined ? {} : { passwordHash }) })
        .where(eq(users.id, user.id))
        .catch(explainConflict);
      await outbox.write(tx, events);
    });
  }

  /** What a save writes: never `mfa_enabled`, which only the MFA repository sets, with the enrolment it stands for. */
  private columns(user: User) {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      avatar: user.avatar,
      bot: user.bot,
      email: user.email,
      deleted: user.deleted,
      updatedAt: new Date(),
    };
  }
}
