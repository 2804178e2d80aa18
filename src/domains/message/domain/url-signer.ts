/** Signs and checks short strings (attachment URLs) with a key only the servers hold. */
export interface UrlSigner {
  /** The signature of `payload`, URL-safe. */
  sign(payload: string): string;
  /** True when `signature` is `payload`'s, compared in constant time. */
  verify(payload: string, signature: string): boolean;
}
