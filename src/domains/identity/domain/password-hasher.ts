/** One-way, deliberately slow password hashing (argon2id). */
export interface PasswordHasher {
  /** The encoded hash of `password`, salt and parameters included. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`; takes as long as hashing, match or not. */
  verify(password: string, hash: string): Promise<boolean>;
}
