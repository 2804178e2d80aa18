import type { Caller } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";
import { unauthorized } from "./session-tokens";

/** The caller an access token stands for; UNAUTHORIZED when it is malformed, badly signed, expired or revoked. */
export const authenticate =
  (deps: Pick<IdentityDeps, "signer" | "revocations">) =>
  async (token: string): Promise<Caller> => {
    const claims = await deps.signer.verify(token);
    if (!claims) throw unauthorized();
    if (await deps.revocations.isRevoked(claims.sessionId)) throw unauthorized();
    return { userId: claims.userId, sessionId: claims.sessionId };
  };
