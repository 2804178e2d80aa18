import { randomBytes } from "node:crypto";
import { type JWTHeaderParameters, SignJWT, jwtVerify } from "jose";
import { ACCESS_TOKEN_LIFETIME_MS } from "../../domains/identity/domain/session";
import type { TokenSigner, VerifiedAccessToken } from "../../domains/identity/domain/token-signer";
import type { Clock } from "../kernel/clock";
import { isSnowflake } from "../kernel/snowflake";
import type { JwtKeys, VerificationKey } from "./jwt-keys";

/** Longer than any token we sign; refused before any parsing. */
const MAX_TOKEN_LENGTH = 2048;
/** Tolerated clock skew between nodes when checking `exp`, in seconds. */
const CLOCK_TOLERANCE_S = 5;
/** Tokens whose signature this node has checked, kept until they expire; the least recently verified go first. */
const VERIFIED_TOKENS_MAX = 20_000;

/**
 * Access tokens as JWTs signed with jose: claims `sub` (user), `sid` (session), `jti`, `iat`, `exp`, header `kid`.
 * Verification picks the key by kid and accepts only that key's algorithm, so `alg: none` and HS/EdDSA
 * confusion fail, as do unknown kids, bad signatures and expired tokens.
 */
export class JoseTokenSigner implements TokenSigner {
  private readonly algorithms: string[];
  /**
   * Every authenticated request presents its token again, and checking a signature was a fifth of a cached history
   * read. A token's signature and claims never change, and the keys are fixed for the process, so the verdict on a
   * token string is kept until the token expires (unless the caller asks not to: the gateway, whose connections
   * present their token once). Revocation is not decided here: the caller checks it each time.
   */
  private readonly verified = new Map<string, VerifiedAccessToken>();

  constructor(
    private readonly keys: JwtKeys,
    private readonly clock: Clock,
    readonly lifetimeMs: number = ACCESS_TOKEN_LIFETIME_MS,
  ) {
    this.algorithms = [...new Set([...keys.verification.values()].map((key) => key.algorithm))];
  }

  async sign(claims: { userId: string; sessionId: string }): Promise<string> {
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const { kid, algorithm, key } = this.keys.signing;
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: algorithm, kid, typ: "JWT" })
      .setSubject(claims.userId)
      .setJti(randomBytes(16).toString("base64url"))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + Math.floor(this.lifetimeMs / 1000))
      .sign(key);
  }

  async verify(token: string, options?: { readonly remember?: boolean }): Promise<VerifiedAccessToken | null> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt + CLOCK_TOLERANCE_S * 1000 > this.clock.now()) return known;
      this.verified.delete(token);
      return null;
    }
    const claims = await this.check(token);
    if (claims && options?.remember !== false) {
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private async check(token: string): Promise<VerifiedAccessToken | null> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header).key, {
        algorithms: this.algorithms,
        currentDate: new Date(this.clock.now()),
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["sub", "sid", "jti", "iat", "exp"],
        typ: "JWT",
      });
      const { sub, sid, jti, exp } = payload;
      if (!isSnowflake(sub) || !isSnowflake(sid) || typeof jti !== "string" || typeof exp !== "number") return null;
      return { userId: sub, sessionId: sid, tokenId: jti, expiresAt: exp * 1000 };
    } catch {
      return null;
    }
  }

  private keyFor(header: JWTHeaderParameters): VerificationKey {
    const key = header.kid === undefined ? undefined : this.keys.verification.get(header.kid);
    if (!key || key.algorithm !== header.alg) throw new Error("unknown key or algorithm");
    return key;
  }
}
