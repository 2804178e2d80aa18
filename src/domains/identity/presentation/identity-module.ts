import { Elysia } from "elysia";
import type { Clock } from "../../../shared/kernel/clock";
import { type DomainEvent, topics } from "../../../shared/kernel/domain-event";
import type { PubSub, RateLimiter } from "../../../shared/kernel/ports";
import { type Snowflake, type SnowflakeGenerator, isSnowflake } from "../../../shared/kernel/snowflake";
import { rateLimiting } from "../../../shared/presentation/rate-limit";
import { authenticate } from "../application/authenticate";
import { deleteCurrentUser } from "../application/delete-current-user";
import { getCurrentUser } from "../application/get-current-user";
import { getUser } from "../application/get-user";
import type { IdentityDeps } from "../application/identity-deps";
import { listSessions } from "../application/list-sessions";
import { logIn } from "../application/log-in";
import { logOut } from "../application/log-out";
import { refreshSession } from "../application/refresh-session";
import { createProfileCache } from "../application/profile-cache";
import { purgeSessions } from "../application/purge-sessions";
import { registerUser } from "../application/register-user";
import { resilientRevocations } from "../application/resilient-revocations";
import { revokeSession } from "../application/revoke-session";
import { updateCurrentUser } from "../application/update-current-user";
import type { IdentityRepositories, IdentityUnitOfWork } from "../domain/identity-unit-of-work";
import type { PasswordHasher } from "../domain/password-hasher";
import type { Caller } from "../domain/session";
import type { SessionRevocationListener, SessionRevocations } from "../domain/session-revocations";
import type { TokenSigner } from "../domain/token-signer";
import type { User } from "../domain/user";
import { authPlugin } from "./auth-plugin";
import { identityDispatchRules, identityReady } from "./identity-gateway";
import { identityRoutes } from "./identity-routes";
import { userRoutes } from "./user-routes";

/** The adapters app.ts builds for identity, plus the shared clock, ids and rate-limit settings. */
export interface IdentityModuleDeps {
  readonly unitOfWork: IdentityUnitOfWork;
  readonly repositories: IdentityRepositories;
  readonly signer: TokenSigner;
  readonly hasher: PasswordHasher;
  readonly revocations: SessionRevocations;
  /** Where every node hears of changed profiles (its profile cache drops them). */
  readonly pubSub: PubSub;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly rateLimiter: RateLimiter;
  readonly rateLimitScale: number;
  readonly trustProxy: boolean;
  /** Where failures of the revocation store are reported (they never fail a request). */
  readonly onError?: (error: unknown, what: string) => void;
}

/** Revocations are kept this much longer than an access token lives (node clock skew, verifier tolerance). */
const REVOCATION_MARGIN_MS = 60_000;

const useCasesOf = (deps: IdentityDeps) => ({
  registerUser: registerUser(deps),
  logIn: logIn(deps),
  refreshSession: refreshSession(deps),
  logOut: logOut(deps),
  authenticate: authenticate(deps),
  getCurrentUser: getCurrentUser(deps),
  updateCurrentUser: updateCurrentUser(deps),
  deleteCurrentUser: deleteCurrentUser(deps),
  listSessions: listSessions(deps),
  revokeSession: revokeSession(deps),
  getUser: getUser(deps),
  purgeSessions: purgeSessions(deps),
});

export type IdentityUseCases = ReturnType<typeof useCasesOf>;

/**
 * The identity domain, wired: its REST routes (mount under /api/v1), the auth plugin every other domain's routes
 * use, and the two hooks the gateway needs (authenticate a raw token; hear of revoked sessions to close sockets).
 */
export const createIdentityModule = (moduleDeps: IdentityModuleDeps) => {
  // The shared store answers revocation checks while it is up; PostgreSQL does while it is not.
  const revocations = resilientRevocations({
    store: moduleDeps.revocations,
    sessions: moduleDeps.repositories.sessions,
    clock: moduleDeps.clock,
    windowMs: moduleDeps.signer.lifetimeMs + REVOCATION_MARGIN_MS,
    onError: (error) => moduleDeps.onError?.(error, "announcing a session revocation"),
  });
  const deps = { ...moduleDeps, revocations };
  const profiles = createProfileCache({ load: (ids) => deps.repositories.users.findMany(ids), clock: deps.clock });
  // A profile changed on this node is dropped here at once; other nodes drop it when the event reaches them.
  const forgetting =
    <A extends unknown[], R>(useCase: (caller: Caller, ...rest: A) => Promise<R>) =>
    async (caller: Caller, ...rest: A): Promise<R> => {
      try {
        return await useCase(caller, ...rest);
      } finally {
        profiles.forget(caller.userId);
      }
    };
  const baseUseCases = useCasesOf(deps);
  const useCases = {
    ...baseUseCases,
    updateCurrentUser: forgetting(baseUseCases.updateCurrentUser),
    deleteCurrentUser: forgetting(baseUseCases.deleteCurrentUser),
  };
  const auth = authPlugin({ authenticate: useCases.authenticate, limiter: deps.rateLimiter, scale: deps.rateLimitScale });
  const rateLimits = rateLimiting({ limiter: deps.rateLimiter, scale: deps.rateLimitScale, trustProxy: deps.trustProxy });
  const unsubscribers = new Set<() => Promise<void>>();
  let maintenance: Timer | undefined;

  return {
    routes: new Elysia()
      .use(identityRoutes({ useCases, auth, rateLimits, trustProxy: deps.trustProxy }))
      .use(userRoutes({ useCases, auth })),
    /** `.use()` it and declare `{ auth: true }` to get `caller` in a handler (see auth-plugin.ts). */
    authPlugin: auth,
    /** The caller of a raw access token (gateway IDENTIFY); rejects with DomainError UNAUTHORIZED. */
    authenticateToken: (token: string): Promise<Caller> => useCases.authenticate(token),
    /** Accounts by id for other domains (members, DM recipients): deleted ones as their placeholder, unknown ids left out. */
    findUsers: (ids: readonly Snowflake[]): Promise<User[]> => profiles.findUsers(ids.filter(isSnowflake)),
    /** Keeps the profile cache current: every profile change on any node drops that profile here. */
    async watchProfileChanges(): Promise<void> {
      const stop = await deps.pubSub.subscribe(topics.profiles(), (message) => {
        const event = JSON.parse(message) as DomainEvent<string, { user?: { id?: string } }>;
        const id = event.data.user?.id;
        if (typeof id === "string") profiles.forget(id);
      });
      const unsubscribe = async () => {
        unsubscribers.delete(unsubscribe);
        await stop();
      };
      unsubscribers.add(unsubscribe);
    },
    /** The identity part of the gateway: READY's user, and USER_UPDATE. */
    gateway: { ready: identityReady(useCases), rules: identityDispatchRules },
    /** Calls `listener` for every session revoked on any node (close its sockets with 4004); returns a stopper. */
    async onSessionRevoked(listener: SessionRevocationListener): Promise<() => Promise<void>> {
      const stop = await deps.revocations.onRevoked(listener);
      const unsubscribe = async () => {
        unsubscribers.delete(unsubscribe);
        await stop();
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },
    /** Purges expired tokens and dead sessions now (what maintenance runs; for operators and tests). */
    purgeSessions: useCases.purgeSessions,
    /** Purges expired tokens and dead sessions every `intervalMs` (on worker nodes); failures go to `onError`. */
    startMaintenance(intervalMs: number, onError: (error: unknown) => void): void {
      clearInterval(maintenance);
      maintenance = setInterval(() => void useCases.purgeSessions().catch(onError), intervalMs);
      maintenance.unref?.();
    },
    /** Stops maintenance and every revocation listener. */
    async close(): Promise<void> {
      clearInterval(maintenance);
      revocations.close();
      await Promise.all([...unsubscribers].map((unsubscribe) => unsubscribe()));
    },
  };
};

export type IdentityModule = ReturnType<typeof createIdentityModule>;
