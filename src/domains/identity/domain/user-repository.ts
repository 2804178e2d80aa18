import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { User, UserCredentials } from "./user";
import type { UserEvent } from "./user-events";

/** Accounts. Writes take the events of the change and store them in the same transaction. */
export interface UserRepository {
  /** Inserts a new account (a bot's without password); throws CONFLICT (with the field) when its username or email is taken. */
  insert(user: User, passwordHash: string | null, events: readonly Unrecorded<UserEvent>[]): Promise<void>;
  /** The account with this id, deleted or not, or null. */
  find(id: Snowflake): Promise<User | null>;
  /** The accounts with these ids, deleted or not, in one query; unknown ids are left out. */
  findMany(ids: readonly Snowflake[]): Promise<User[]>;
  /** The account whose email (any case, when `login` holds an @) or username is `login`, with its hash. */
  findCredentials(login: string): Promise<UserCredentials | null>;
  /** The account with this id and its password hash, or null. */
  findCredentialsById(id: Snowflake): Promise<UserCredentials | null>;
  /** Saves a changed account; `passwordHash` undefined keeps the hash, null erases it; CONFLICT on a taken username. */
  update(user: User, events: readonly Unrecorded<UserEvent>[], passwordHash?: string | null): Promise<void>;
}
