import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Caller } from "./session";

/** The checked claims of an access token. */
export interface VerifiedAccessToken extends Caller {
  readonly tokenId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Mints and checks the short-lived access tokens (JWTs) that authenticate requests. */
export interface TokenSigner {
  /** How long a new token is valid, in ms. */
  readonly lifetimeMs: number;
  /** A signed token for this user and session, valid for `lifetimeMs` from now. */
  sign(claims: { userId: Snowflake; sessionId: Snowflake }): Promise<string>;
  /**
   * The claims of a well-formed, well-signed, unexpired token; null for anything else. A signer may keep its verdict
   * on a token for the next requests that present it; `remember: false` asks it not to (a gateway connection
   * presents its token once, and keeping one per connection would cost memory for nothing).
   */
  verify(token: string, options?: { readonly remember?: boolean }): Promise<VerifiedAccessToken | null>;
}
