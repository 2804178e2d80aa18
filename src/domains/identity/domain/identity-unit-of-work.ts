import type { ApplicationRepository } from "./application-repository";
import type { MfaRepository } from "./mfa-repository";
import type { RelationshipRepository } from "./relationship-repository";
import type { SessionRepository } from "./session-repository";
import type { UserRepository } from "./user-repository";

/** The identity repositories, bound to one database transaction or to the database itself. */
export interface IdentityRepositories {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly applications: ApplicationRepository;
  readonly mfa: MfaRepository;
  readonly relationships: RelationshipRepository;
}

/** Runs `work` in one transaction: every write made through the given repositories, events included, commits or none. */
export type IdentityUnitOfWork = <T>(work: (repositories: IdentityRepositories) => Promise<T>) => Promise<T>;
