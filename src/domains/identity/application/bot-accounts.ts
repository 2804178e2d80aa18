import { randomInt } from "node:crypto";
import { DomainError, ErrorCode, isDomainError } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { botUsernameFor } from "../domain/application";
import type { Caller } from "../domain/session";
import type { User } from "../domain/user";
import { userCreated } from "../domain/user-events";
import { ownedApplication } from "./applications";
import type { BotCredentialCache } from "./bot-credential-cache";
import { newBotToken } from "./bot-token";
import type { IdentityDeps } from "./identity-deps";

/** A bot account and its token: the only time the token is shown. */
export interface BotGrant {
  readonly token: string;
  readonly user: User;
}

/** Taken usernames are retried with a random suffix this many times before the 409 reaches the caller. */
const USERNAME_ATTEMPTS = 6;

const alreadyHasBot = () => new DomainError(ErrorCode.CONFLICT, "This application already has a bot.", { bot: "This application already has a bot." });
const noBot = () => new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { bot: "This application has no bot; create it first." });

const usernameTaken = (error: unknown): boolean => isDomainError(error) && error.code === ErrorCode.CONFLICT && error.fields?.username !== undefined;

/**
 * Creates the application's bot account (`bot: true`, USER_CREATED) and its first token, in one transaction (its
 * owner only; CONFLICT when it has one). The username is the application's name in the username alphabet, with a
 * random `_1234` suffix when that is taken. Bot accounts have no email and no password: they cannot log in.
 */
export const createBot =
  (deps: Pick<IdentityDeps, "repositories" | "unitOfWork" | "clock" | "ids">) =>
  async (caller: Caller, applicationId: Snowflake): Promise<BotGrant> => {
    const application = await ownedApplication(deps, caller, applicationId);
    if (application.botUserId) throw alreadyHasBot();
    for (let attempt = 0; ; attempt++) {
      const now = new Date(deps.clock.now());
      const user: User = {
        id: deps.ids.next(),
        username: botUsernameFor(application.name, attempt === 0 ? "" : `_${randomInt(1000, 10_000)}`),
        displayName: null,
        avatar: null,
        bot: true,
        email: null,
        createdAt: now,
        deleted: false,
        mfaEnabled: false,
      };
      const tokenId = deps.ids.next();
      const { token, hash } = newBotToken(user.id, tokenId);
      try {
        await deps.unitOfWork(async ({ users, applications }) => {
          await users.insert(user, null, [userCreated(user)]);
          // Conditional: of two concurrent creations exactly one attaches its account; the other rolls back.
          if (!(await applications.attachBot(application.id, user.id))) throw alreadyHasBot();
          await applications.insertBotToken({ id: tokenId, applicationId: application.id, userId: user.id, tokenHash: hash, createdAt: now, revokedAt: null });
        });
        return { token, user };
      } catch (error) {
        if (!usernameTaken(error) || attempt + 1 >= USERNAME_ATTEMPTS) throw error;
      }
    }
  };

/**
 * Replaces the bot's token (its application's owner only): the old one stops working at once, on REST and on every
 * node's gateway (its id is revoked like a logged-out session), and the new one is shown once.
 */
export const resetBotToken =
  (deps: Pick<IdentityDeps, "repositories" | "unitOfWork" | "revocations" | "clock" | "ids"> & { readonly botCredentials: BotCredentialCache }) =>
  async (caller: Caller, applicationId: Snowflake): Promise<BotGrant> => {
    const application = await ownedApplication(deps, caller, applicationId);
    const botUserId = application.botUserId;
    if (!botUserId) throw noBot();
    const [bot] = await deps.repositories.users.findMany([botUserId]);
    if (!bot) throw noBot();
    const now = new Date(deps.clock.now());
    const tokenId = deps.ids.next();
    const { token, hash } = newBotToken(botUserId, tokenId);
    const revoked = await deps.unitOfWork(async ({ applications }) => {
      const old = await applications.revokeBotTokens(application.id, now);
      await applications.insertBotToken({ id: tokenId, applicationId: application.id, userId: botUserId, tokenHash: hash, createdAt: now, revokedAt: null });
      return old;
    });
    for (const old of revoked) deps.botCredentials.forget(old.id);
    await deps.revocations.revoke(revoked.map((old) => ({ userId: old.userId, sessionId: old.id })));
    return { token, user: bot };
  };
