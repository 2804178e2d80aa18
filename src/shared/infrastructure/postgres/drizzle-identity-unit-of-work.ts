import type { IdentityRepositories, IdentityUnitOfWork } from "../../../domains/identity/domain/identity-unit-of-work";
import type { DbExecutor } from "./database";
import { DrizzleApplicationRepository } from "./drizzle-application-repository";
import { DrizzleMfaRepository } from "./drizzle-mfa-repository";
import { DrizzleRelationshipRepository } from "./drizzle-relationship-repository";
import { DrizzleSessionRepository } from "./drizzle-session-repository";
import { DrizzleUserRepository } from "./drizzle-user-repository";
import type { Transact } from "./outbox";

/** Repositories on the database itself: each write that carries events opens its own transaction. */
export const drizzleIdentityRepositories = (db: DbExecutor, transact: Transact): IdentityRepositories => ({
  users: new DrizzleUserRepository(db, transact),
  sessions: new DrizzleSessionRepository(db),
  applications: new DrizzleApplicationRepository(db),
  mfa: new DrizzleMfaRepository(db, transact),
  relationships: new DrizzleRelationshipRepository(db, transact),
});

/** The identity unit of work: repositories bound to one transaction, whose outbox writes commit with it. */
export const drizzleIdentityUnitOfWork =
  (transact: Transact): IdentityUnitOfWork =>
  (work) =>
    transact((tx, outbox) => {
      const inTransaction: Transact = (write) => write(tx, outbox);
      return work({
        users: new DrizzleUserRepository(tx, inTransaction),
        sessions: new DrizzleSessionRepository(tx),
        applications: new DrizzleApplicationRepository(tx),
        mfa: new DrizzleMfaRepository(tx, inTransaction),
        relationships: new DrizzleRelationshipRepository(tx, inTransaction),
      });
    });
