import type { PasswordHasher } from "../../domains/identity/domain/password-hasher";

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 iterations, 1 lane): about 30 ms per hash on one
 * core here (bench/auth.ts), so login stays fast while each guess costs an attacker 19 MiB of memory.
 */
export const ARGON2ID = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

/** Bun.password (native, off the event loop); verify reads the parameters from the hash, so old hashes keep working. */
export class BunPasswordHasher implements PasswordHasher {
  constructor(private readonly options: Bun.Password.Argon2Algorithm = ARGON2ID) {}

  hash(password: string): Promise<string> {
    return Bun.password.hash(password, this.options);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    try {
      return await Bun.password.verify(password, hash);
    } catch {
      // A malformed stored hash must fail closed, not 500.
      return false;
    }
  }
}
