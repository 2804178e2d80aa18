import type { ApplicationRepository } from "../domain/application-repository";
import type { Caller } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";
import type { BotCredentialCache } from "./bot-credential-cache";
import { type ParsedBotToken, hashBotToken, parseBotToken, sameHash } from "./bot-token";
import { unauthorized } from "./session-tokens";

/**
 * How the token was presented: `Authorization: Bearer` (a user's access token only), `Authorization: Bot` (a bot
 * token only, as Discord requires), or raw at the gateway's IDENTIFY/RESUME (either; a `Bot ` prefix is tolerated).
 */
export type TokenScheme = "bearer" | "bot" | "raw";

type AuthenticateDeps = Pick<IdentityDeps, "signer" | "revocations"> & {
  readonly repositories: { readonly applications: Pick<ApplicationRepository, "findCredential"> };
  readonly botCredentials: BotCredentialCache;
};

/** The caller of a bot token: its bot account, the token id as session, and the application's current flags. */
const authenticateBot = async (deps: AuthenticateDeps, token: string, parsed: ParsedBotToken): Promise<Caller> => {
  const cached = deps.botCredentials.get(parsed.tokenId);
  // A cached entry saves the read, not the revocation check: a token reset on another node is refused here at once.
  if (cached && (await deps.revocations.isRevoked(parsed.tokenId))) {
    deps.botCredentials.forget(parsed.tokenId);
    throw unauthorized();
  }
  const credential =
    cached ??
    (await deps.botCredentials.load(parsed.tokenId, async () => {
      const found = await deps.repositories.applications.findCredential(parsed.tokenId);
      if (!found || found.token.revokedAt !== null) return null;
      return { tokenId: found.token.id, userId: found.token.userId, applicationId: found.token.applicationId, tokenHash: found.token.tokenHash, flags: found.flags };
    }));
  if (!credential || credential.userId !== parsed.userId || !sameHash(credential.tokenHash, hashBotToken(token))) throw unauthorized();
  return { userId: credential.userId, sessionId: credential.tokenId, bot: { applicationId: credential.applicationId, flags: credential.flags } };
};

/** The caller a token stands for; UNAUTHORIZED when it is malformed, badly signed, expired, revoked or reset. */
export const authenticate =
  (deps: AuthenticateDeps) =>
  async (presented: string, scheme: TokenScheme = "raw", options?: { readonly remember?: boolean }): Promise<Caller> => {
    const token = scheme === "raw" ? presented.replace(/^Bot[ \t]+/i, "") : presented;
    const bot = scheme === "bearer" ? null : parseBotToken(token);
    if (bot) return authenticateBot(deps, token, bot);
    if (scheme === "bot") throw unauthorized();
    const claims = await deps.signer.verify(token, options);
    if (!claims) throw unauthorized();
    if (await deps.revocations.isRevoked(claims.sessionId)) throw unauthorized();
    return { userId: claims.userId, sessionId: claims.sessionId };
  };
