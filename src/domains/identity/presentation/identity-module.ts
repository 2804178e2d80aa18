import { Elysia } from "elysia";
import { type Topic, handleEvents, parseEvent, topics } from "../../../shared/kernel/domain-event";
import type { UserDeleted, UserEvent, UserUpdated } from "../domain/user-events";
import type { PubSub } from "../../../shared/kernel/ports";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import { type RouteSettings, routeDeps } from "../../../shared/presentation/route-kit";
import type { IdentityDeps } from "../application/identity-deps";
import { identityUseCases } from "../application/identity-use-cases";
import { createBotCredentialCache } from "../application/bot-credential-cache";
import { createProfileCache } from "../application/profile-cache";
import { createBlockCache } from "../application/block-cache";
import { BLOCK_CHANGES, type RelationshipEvent } from "../domain/relationship-events";
import type { BlockList } from "../../../shared/kernel/users";
import { type RevocationRows, resilientRevocations } from "../application/resilient-revocations";
import type { TokenScheme } from "../application/authenticate";
import type { Caller } from "../domain/session";
import type { SessionRevocationListener } from "../domain/session-revocations";
import type { User } from "../domain/user";
import { authPlugin } from "../../../shared/presentation/auth-plugin";
import { identityDispatchRules, identityReady } from "./identity-gateway";
import { applicationRoutes } from "./application-routes";
import { identityRoutes } from "./identity-routes";
import { relationshipRoutes } from "./relationship-routes";
import { userRoutes } from "./user-routes";


/** The adapters app.ts builds for identity, plus pub/sub and the rate-limit settings (the auth plugin is made here). */
export interface IdentityModuleDeps extends IdentityDeps, Omit<RouteSettings, "auth"> {
  /** Where every node hears of changed profiles (its profile cache drops them). */
  readonly pubSub: PubSub;
  /** Where failures of the revocation store are reported (they never fail a request). */
  readonly onError?: (error: unknown, what: string) => void;
}

/** Revocations are kept this much longer than an access token lives (node clock skew, verifier tolerance). */
const REVOCATION_MARGIN_MS = 60_000;
/** Where every node hears that an application changed (its flags), so that its cached bot credentials go. */
const APPLICATION_CHANGES: Topic = "system:applications";

/**
 * The identity domain, wired: its REST routes (mount under /api/v1), the auth plugin every other domain's routes
 * use, and the two hooks the gateway needs (authenticate a raw token; hear of revoked sessions to close sockets).
 */
export const createIdentityModule = (moduleDeps: IdentityModuleDeps) => {
  // The shared store answers revocation checks while it is up; PostgreSQL does while it is not.
  const { sessions, applications } = moduleDeps.repositories;
  // Bot tokens are revoked as sessions are: a reset token's id is in the store, and its row answers when the store cannot.
  const revocationRows: RevocationRows = {
    find: async (id) => (await sessions.find(id)) ?? (await applications.findCredential(id))?.token ?? null,
    listRevokedSince: async (since) => [...(await sessions.listRevokedSince(since)), ...(await applications.listRevokedTokensSince(since))],
  };
  const revocations = resilientRevocations({
    store: moduleDeps.revocations,
    sessions: revocationRows,
    clock: moduleDeps.clock,
    windowMs: moduleDeps.signer.lifetimeMs + REVOCATION_MARGIN_MS,
    onError: (error) => moduleDeps.onError?.(error, "announcing a session revocation"),
  });
  const deps = { ...moduleDeps, revocations };
  const profiles = createProfileCache({ load: (ids) => deps.repositories.users.findMany(ids), clock: deps.clock });
  const botCredentials = createBotCredentialCache({ clock: deps.clock });
  const blocks = createBlockCache({ load: (userId) => deps.repositories.relationships.blocksOf(userId), clock: deps.clock });
  const baseUseCases = identityUseCases({ ...deps, profiles, botCredentials, blocks });
  const useCases = {
    ...baseUseCases,
    /** Every node drops the application's cached bot credentials, so its bot's next call carries the new flags. */
    updateApplication: async (...args: Parameters<typeof baseUseCases.updateApplication>) => {
      const view = await baseUseCases.updateApplication(...args);
      botCredentials.forgetApplication(view.application.id);
      await deps.pubSub.publish(APPLICATION_CHANGES, view.application.id).catch((error: unknown) => deps.onError?.(error, "announcing an application change"));
      return view;
    },
  };
  const auth = authPlugin({ authenticate: useCases.authenticate, limiter: deps.rateLimiter, scale: deps.rateLimitScale });
  const routes = routeDeps(useCases, { ...deps, auth });
  const unsubscribers = new Set<() => Promise<void>>();
  /** A subscription's stopper, kept for close() until it runs. */
  const tracked = (stop: () => Promise<void>) => {
    const unsubscribe = async () => {
      unsubscribers.delete(unsubscribe);
      await stop();
    };
    unsubscribers.add(unsubscribe);
    return unsubscribe;
  };

  return {
    routes: new Elysia()
      .use(identityRoutes({ ...routes, trustProxy: deps.trustProxy }))
      .use(userRoutes(routes))
      .use(relationshipRoutes(routes))
      .use(applicationRoutes(routes)),
    /** `.use()` it and declare `{ auth: true }` to get `caller` in a handler (see auth-plugin.ts). */
    authPlugin: auth,
    /** The caller of a raw access token (gateway IDENTIFY); rejects with DomainError UNAUTHORIZED. */
    // Not remembered: a gateway connection presents its token once, and a verdict kept per connection would hold
    // ~1.4 KiB for each idle session and push the tokens of REST callers out of the signer's bounded cache.
    authenticateToken: (token: string): Promise<Caller> => useCases.authenticate(token, "raw" satisfies TokenScheme, { remember: false }),
    /** An application's bot for another domain (adding it to a guild): null when there is no such application. */
    applicationBot: useCases.applicationBot,
    /** Accounts by id for other domains (members, DM recipients): deleted ones as their placeholder, unknown ids left out. */
    findUsers: (ids: readonly Snowflake[]): Promise<User[]> => profiles.findUsers(ids.filter(isSnowflake)),
    /** Who blocked whom, for the checks of other domains (DMs, mentions, typing, presence), kept in the node. */
    blocks: blocks satisfies BlockList as BlockList,
    /** Keeps the profile and bot credential caches current: changes on any node drop what they touch here. */
    async watchProfileChanges(): Promise<void> {
      const forget = ({ data }: UserUpdated | UserDeleted) => profiles.forget(data.user.id);
      const changed = handleEvents<UserEvent>({ USER_UPDATED: forget, USER_DELETED: forget });
      const stop = await deps.pubSub.subscribe(topics.profiles(), (message) => changed(parseEvent(message)));
      tracked(stop);
      // Bot credentials cached here go when their application changes or their token is revoked on any node.
      tracked(await deps.pubSub.subscribe(APPLICATION_CHANGES, (applicationId) => botCredentials.forgetApplication(applicationId)));
      tracked(await deps.revocations.onRevoked(({ sessionId }) => botCredentials.forget(sessionId)));
      // A block added or ended on any node: both users' entries go.
      tracked(
        await deps.pubSub.subscribe(BLOCK_CHANGES, (message) => {
          const { data } = parseEvent<RelationshipEvent>(message);
          blocks.forget(data.user_id, data.relationship.id);
        }),
      );
    },
    /** The identity part of the gateway: READY's user and relationships, USER_UPDATE and the RELATIONSHIP_ dispatches. */
    gateway: { ready: identityReady(useCases), rules: identityDispatchRules },
    /** Calls `listener` for every session revoked on any node (close its sockets with 4004); returns a stopper. */
    async onSessionRevoked(listener: SessionRevocationListener): Promise<() => Promise<void>> {
      return tracked(await deps.revocations.onRevoked(listener));
    },
    /** Purges expired tokens and dead sessions now (app.ts runs it every hour on worker nodes; operators and tests call it). */
    purgeSessions: useCases.purgeSessions,
    /** Stops every revocation listener. */
    async close(): Promise<void> {
      revocations.close();
      await Promise.all([...unsubscribers].map((unsubscribe) => unsubscribe()));
    },
  };
};

export type IdentityModule = ReturnType<typeof createIdentityModule>;
