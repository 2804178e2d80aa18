import type { Caller } from "../domain/session";
import { applicationBot, createApplication, currentApplication, getApplication, listApplications, updateApplication } from "./applications";
import { authenticate } from "./authenticate";
import { createBot, resetBotToken } from "./bot-accounts";
import type { BotCredentialCache } from "./bot-credential-cache";
import { deleteCurrentUser } from "./delete-current-user";
import { getCurrentUser } from "./get-current-user";
import { getUser } from "./get-user";
import type { IdentityDeps } from "./identity-deps";
import { listSessions } from "./list-sessions";
import { logIn } from "./log-in";
import { logOut } from "./log-out";
import type { ProfileCache } from "./profile-cache";
import { purgeSessions } from "./purge-sessions";
import type { BlockCache } from "./block-cache";
import { changeRelationship, listRelationships, requestFriendByUsername } from "./relationships";
import { refreshSession } from "./refresh-session";
import { registerUser } from "./register-user";
import { revokeSession } from "./revoke-session";
import { updateCurrentUser } from "./update-current-user";
import { completeMfaLogin, disableTotp, enableTotp, newTotpEnrolment, regenerateBackupCodes } from "./two-factor";

/**
 * Every identity use case, built on the same ports: what the routes, the gateway and the session purge call.
 * `profiles` is the node's profile cache: a profile changed here is dropped from it at once (other nodes drop it
 * when the event reaches them).
 */
export const identityUseCases = (deps: IdentityDeps & { readonly profiles: ProfileCache; readonly botCredentials: BotCredentialCache; readonly blocks: BlockCache }) => {
  const forgetting =
    <A extends unknown[], R>(useCase: (caller: Caller, ...rest: A) => Promise<R>) =>
    async (caller: Caller, ...rest: A): Promise<R> => {
      try {
        return await useCase(caller, ...rest);
      } finally {
        deps.profiles.forget(caller.userId);
      }
    };
  return {
    registerUser: registerUser(deps),
    logIn: logIn(deps),
    completeMfaLogin: completeMfaLogin(deps),
    newTotpEnrolment: newTotpEnrolment(deps),
    enableTotp: forgetting(enableTotp(deps)),
    disableTotp: forgetting(disableTotp(deps)),
    regenerateBackupCodes: regenerateBackupCodes(deps),
    refreshSession: refreshSession(deps),
    logOut: logOut(deps),
    authenticate: authenticate(deps),
    getCurrentUser: getCurrentUser(deps),
    updateCurrentUser: forgetting(updateCurrentUser(deps)),
    deleteCurrentUser: forgetting(deleteCurrentUser(deps)),
    listSessions: listSessions(deps),
    revokeSession: revokeSession(deps),
    getUser: getUser(deps),
    purgeSessions: purgeSessions(deps),
    createApplication: createApplication(deps),
    listApplications: listApplications(deps),
    getApplication: getApplication(deps),
    updateApplication: updateApplication(deps),
    currentApplication: currentApplication(deps),
    applicationBot: applicationBot(deps),
    createBot: createBot(deps),
    resetBotToken: resetBotToken(deps),
    listRelationships: listRelationships(deps),
    changeRelationship: changeRelationship(deps),
    requestFriendByUsername: requestFriendByUsername(deps),
  };
};

export type IdentityUseCases = ReturnType<typeof identityUseCases>;
