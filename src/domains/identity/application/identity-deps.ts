import type { Clock } from "../../../shared/kernel/clock";
import type { SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { IdentityRepositories, IdentityUnitOfWork } from "../domain/identity-unit-of-work";
import type { PasswordHasher } from "../domain/password-hasher";
import type { SessionRevocations } from "../domain/session-revocations";
import type { TokenSigner } from "../domain/token-signer";

/** Every port the identity use cases take; each use case picks the ones it needs. */
export interface IdentityDeps {
  /** Writes that must commit together. */
  readonly unitOfWork: IdentityUnitOfWork;
  /** Reads outside any transaction. */
  readonly repositories: IdentityRepositories;
  readonly signer: TokenSigner;
  readonly hasher: PasswordHasher;
  readonly revocations: SessionRevocations;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
}
