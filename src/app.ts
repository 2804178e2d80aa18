import { join } from "node:path";
import { cors } from "@elysiajs/cors";
import { Elysia } from "elysia";
import packageJson from "../package.json";
import { type Clock, systemClock } from "./shared/kernel/clock";
import { createSnowflakeGenerator } from "./shared/kernel/snowflake";
import { type Adapters, createAdapters, createBlobStore } from "./shared/infrastructure/adapters";
import type { Config } from "./shared/infrastructure/config";
import { type Logger, createLogger } from "./shared/infrastructure/logger";
import { createMetrics } from "./shared/infrastructure/metrics";
import { createOutboxRelay } from "./shared/infrastructure/outbox-relay";
import { type Database, createPgliteDatabase, createPostgresDatabase } from "./shared/infrastructure/postgres/database";
import { tracedSql } from "./shared/infrastructure/tracing/traced-sql";
import { type Tracing, createTracing, noTracing } from "./shared/infrastructure/tracing/tracing";
import { classifyDatabaseFault } from "./shared/infrastructure/postgres/database-errors";
import { createOutboxWriter, createTransact } from "./shared/infrastructure/postgres/outbox";
import { createCommitNotices } from "./shared/infrastructure/commit-notices";
import { FactsGuildAccess, FactsPermissionResolver, channelDispatchRules, channelReady, createChannelModule, createChannelVisibility, createPermissionCache, startThreadArchiver, threadListSync, threadsForGuildCreate } from "./domains/channel";
import { createErrorTracker } from "./shared/infrastructure/sentry";
import { prepareDataDir } from "./shared/infrastructure/data-dir";
import { createIdentityModule, startSessionPurge } from "./domains/identity";
import { type GuildEvent, createGuildModule, guildGateway, guildMemberDirectory, startAuditLogRetention } from "./domains/guild";
import { ForumMessageBody, MessageBody, createMessageModule, startMessageJobs } from "./domains/message";
import { MAX_VOICE_FRAME_BYTES, createVoiceModule, startVoiceSweep } from "./domains/voice";
import { idempotentHandler } from "./shared/infrastructure/idempotent-consumer";
import { FileTypeDetector } from "./shared/infrastructure/file-type-detector";
import { HmacUrlSigner, loadUrlSigningKey } from "./shared/infrastructure/hmac-url-signer";
import { sharedKey } from "./shared/infrastructure/postgres/shared-keys";
import { drizzleMessageRepositories, drizzleMessageUnitOfWork, drizzleMessageWriteTogether } from "./shared/infrastructure/postgres/drizzle-message-unit-of-work";
import { DrizzleMessageMembers } from "./shared/infrastructure/postgres/drizzle-message-members";
import { channelFactsQuery } from "./shared/infrastructure/postgres/channel-facts-query";
import { DrizzleWebhookRepository, drizzleWebhookUnitOfWork } from "./shared/infrastructure/postgres/drizzle-webhook-repository";
import { Sha256WebhookTokens } from "./shared/infrastructure/sha256-webhook-tokens";
import { DrizzleChannelRepository } from "./shared/infrastructure/postgres/drizzle-channel-repository";
import { drizzleChannelUnitOfWork } from "./shared/infrastructure/postgres/drizzle-channel-unit-of-work";
import { DrizzleThreadRepository } from "./shared/infrastructure/postgres/drizzle-thread-repository";
import { drizzleGuildRepositories, drizzleGuildUnitOfWork } from "./shared/infrastructure/postgres/drizzle-guild-unit-of-work";
import { DrizzlePermissionFacts } from "./shared/infrastructure/postgres/drizzle-permission-facts";
import { BunPasswordHasher } from "./shared/infrastructure/bun-password-hasher";
import { JoseTokenSigner } from "./shared/infrastructure/jose-token-signer";
import { loadJwtKeys } from "./shared/infrastructure/jwt-keys";
import { KvSessionRevocations } from "./shared/infrastructure/kv-session-revocations";
import { drizzleIdentityRepositories, drizzleIdentityUnitOfWork } from "./shared/infrastructure/postgres/drizzle-identity-unit-of-work";
import { createPresenceService, presenceDispatchRules, presenceReady, presenceTracker } from "./domains/presence";
import { type DomainEvent, eventConsumer } from "./shared/kernel/domain-event";
import { drizzleVoiceQueries, drizzleVoiceUnitOfWork } from "./shared/infrastructure/postgres/drizzle-voice-repository";
import { type MediasoupSfu, createMediasoupSfu } from "./shared/infrastructure/sfu/mediasoup-sfu";
import { gatewayBotRoutes, gatewayInfoRoutes, gatewayUrlOf } from "./shared/gateway/gateway-info-routes";
import { IDENTIFIES_PER_DAY, createIdentifyBudget } from "./shared/gateway/identify-budget";
import { HEARTBEAT_GRACE_FACTOR, MAX_FRAME_BYTES } from "./shared/gateway/gateway-protocol";
import { createGateway } from "./shared/gateway/gateway-server";
import { eventRoutes, sharedWithinReady } from "./shared/gateway/gateway-ports";
import { type AppEvent, DISPATCH_NAMES, PERMISSION_CHANGES, visibilityChanges } from "./app-events";
import { httpCore } from "./shared/presentation/http-core";
import { type RouteInfo, createRouteTable } from "./shared/presentation/route-table";
import { apiDocs } from "./shared/presentation/openapi";
import { asyncApiDocs } from "./shared/presentation/asyncapi";
import { completeDocument } from "./shared/presentation/openapi-document";
import { type ReadinessCheck, operationsRoutes } from "./shared/presentation/operations-routes";
import { rateLimiting } from "./shared/presentation/rate-limit";
import type { DestinationStream } from "pino";

export interface AppOptions {
  readonly config: Config;
  readonly clock?: Clock;
  /** Where log lines go; stdout when unset. Tests capture them here. */
  readonly logDestination?: DestinationStream;
}

/** The consumer group that takes departed members out of their guild's threads. */
const THREAD_CLEANUP_GROUP = "channel.thread-members";

/** Where the REST API is served: /api/v1 first (the documented one), then the prefixes Discord's clients use. */
const API_PREFIXES = ["/api/v1", "/api/v9", "/api/v10", "/api"] as const;

const EXPOSED_HEADERS = [
  "x-request-id",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "x-ratelimit-reset-after",
  "x-ratelimit-bucket",
  "x-ratelimit-scope",
  "x-ratelimit-global",
  "retry-after",
];

/** The one composition root: builds adapters from config, wires use cases and mounts the routes. */
export const createApp = async (options: AppOptions) => {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  // OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing is wrapped and nothing is exported.
  const tracing = config.tracing ? createTracing(config.tracing, config.nodeId, packageJson.version) : noTracing;
  const logger = createLogger({
    level: config.logLevel,
    pretty: config.logPretty,
    nodeId: config.nodeId,
    destination: options.logDestination,
    ...(tracing.enabled ? { mixin: tracing.logFields } : {}),
  });
  const metrics = createMetrics();
  const errorTracker = await createErrorTracker({
    dsn: config.sentryDsn,
    environment: config.sentryEnvironment,
    release: `xcord@${packageJson.version}`,
  });
  // DATA_DIR holds generated keys and uploads in every mode; the embedded database checks it itself as it opens.
  if (config.databaseUrl && config.dataDir !== "memory://") prepareDataDir(config.dataDir);
  // Media workers are child processes: they boot while the database opens instead of after it.
  const sfuStarting = startSfu(config, logger, metrics);
  const closeSfu = async () => void (await (await sfuStarting)?.close());
  const database = await openDatabase(config, logger, tracing).catch(async (error: unknown) => {
    await Promise.all([closeSfu(), tracing.shutdown()]);
    throw error;
  });
  const adapters = await createAdapters(config, logger, tracing).catch(async (error: unknown) => {
    await Promise.all([database.close(), closeSfu(), tracing.shutdown()]);
    throw error;
  });
  const ids = createSnowflakeGenerator(config.nodeId, clock);
  // The node's public base URL: PUBLIC_URL, else the address it listens on (known once `listen` has the port).
  let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const relay = createOutboxRelay({ db: database.db, statements: database.statements, stream: adapters.stream, pubSub: adapters.pubSub, clock, logger, metrics, tracing });
  const outboxWriter = createOutboxWriter({ ids, clock, traceparent: tracing.traceparent });
  const notices = createCommitNotices({ pubSub: adapters.pubSub, logger });
  await notices.start();
  // Before a write answers, its events are on the bus and every node's caches heard of it.
  const afterCommit = async (events: readonly DomainEvent[]) => void (await Promise.all([relay.publishCommitted(events), notices.announce(events)]));
  const transact = createTransact(database.db, outboxWriter, afterCommit);
  const jwtKeys = await loadJwtKeys(config.jwt, config.dataDir);
  if (jwtKeys.source === "data-dir" && jwtKeys.generated) logger.info({ file: join(config.dataDir, "jwt-keys.json") }, "JWT signing keys generated (kept for later starts)");
  if (jwtKeys.source === "data-dir" && config.redisUrl) {
    logger.warn("JWT keys are read from DATA_DIR/jwt-keys.json: every node needs the same keys (set JWT_SECRET or JWT_*_KEY_FILE)");
  }
  const signer = new JoseTokenSigner(jwtKeys, clock);
  // What every module's routes take: the node's rate limits, and (once identity exists) its auth plugin.
  const limits = { rateLimiter: adapters.rateLimiter, rateLimitScale: config.rateLimitScale, trustProxy: config.trustProxy };
  const identity = createIdentityModule({
    unitOfWork: drizzleIdentityUnitOfWork(transact),
    repositories: drizzleIdentityRepositories(database.statements, transact),
    signer,
    hasher: new BunPasswordHasher(),
    revocations: new KvSessionRevocations(adapters.kv, adapters.pubSub, signer.lifetimeMs),
    pubSub: adapters.pubSub,
    clock,
    ids,
    ...limits,
    onError: (error, what) => logger.warn({ err: error }, `${what} failed; PostgreSQL stays the source of truth`),
  });
  const routeSettings = { ...limits, auth: identity.authPlugin };
  await identity.watchProfileChanges();
  const users = { findUsers: identity.findUsers };
  const blocks = identity.blocks;
  const permissionFacts = new DrizzlePermissionFacts(database.statements, channelFactsQuery({ db: database.statements, kind: database.kind }));
  const resolver = new FactsPermissionResolver(permissionFacts);
  const guildAccess = new FactsGuildAccess(permissionFacts);
  // forChannel from the node's memory, kept current by the commit notices (permission-cache.ts).
  const permissions = createPermissionCache({ inner: resolver, notices, clock, changes: PERMISSION_CHANGES });
  const channel = createChannelModule({
    unitOfWork: drizzleChannelUnitOfWork(transact, ids, clock),
    channels: new DrizzleChannelRepository(database.statements),
    threads: new DrizzleThreadRepository(database.statements),
    permissions,
    guilds: guildAccess,
    users,
    blocks,
    clock,
    ids,
    // The message module is made further down; a thread start reaches it only once the app serves requests.
    starterMessage: (userId, channelId, messageId) => message.useCases.starterMessageUpdate(userId, channelId, messageId),
    forumStarter: (userId, request) => message.forumStarter(userId, request),
    forumMessage: { body: ForumMessageBody, response: MessageBody },
    ...routeSettings,
  });
  // One blob store for attachments and emoji images (keys `emojis/<id>` for the latter).
  const blobs = createBlobStore(config, database);
  const guild = createGuildModule({
    unitOfWork: drizzleGuildUnitOfWork(transact, ids, clock),
    repositories: drizzleGuildRepositories(database.statements),
    users,
    channels: channel.forGuilds,
    bots: { applicationBot: identity.applicationBot },
    twoFactorEnabled: async (userId) => (await identity.findUsers([userId]))[0]?.mfaEnabled ?? false,
    // The voice module is made further down; the member PATCH reaches it only once the app serves requests.
    memberVoice: (actorId, guildId, memberId, change) => voice.useCases.moderateVoice(actorId, guildId, memberId, change),
    clock,
    ids,
    ...routeSettings,
    largeGuildThreshold: config.gateway.largeGuildThreshold,
    emojiImages: blobs,
    imageTypes: new FileTypeDetector(),
  });
  const message = createMessageModule({
    unitOfWork: drizzleMessageUnitOfWork(transact, ids, clock),
    writeTogether: drizzleMessageWriteTogether(database.statements, outboxWriter, afterCommit),
    repositories: drizzleMessageRepositories(database.statements),
    members: new DrizzleMessageMembers(database.statements),
    blocks,
    permissions,
    guilds: guildAccess,
    users,
    blobs,
    emojis: { usable: guild.usableEmoji },
    // On PostgreSQL the key is the database's, so that a link signed by one node opens on every node.
    signer: new HmacUrlSigner(database.kind === "postgres" ? await sharedKey(database.db, "url-signing", loadUrlSigningKey(config.dataDir)) : loadUrlSigningKey(config.dataDir)),
    detector: new FileTypeDetector(),
    pubSub: adapters.pubSub,
    clock,
    ids,
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: () => baseUrl,
    notices,
    historyCacheBytes: config.historyCacheBytes,
    threadMessageSent: channel.useCases.threadMessageSent,
    threadsByIds: channel.threadsByIds,
    onError: (error, what) => logger.error({ err: error }, `${what} failed`),
    webhooks: {
      unitOfWork: drizzleWebhookUnitOfWork(transact, ids, clock),
      repository: new DrizzleWebhookRepository(database.statements),
      tokens: new Sha256WebhookTokens(),
      forumPosts: channel.useCases.startWebhookForumPost,
    },
    ...routeSettings,
  });
  // Background jobs run on worker nodes: these from here, the voice sweep once the node listens.
  const worker = config.roles.has("worker");
  const consumerName = `node-${config.nodeId}`;
  const stopMessageJobs = worker
    ? await startMessageJobs({
        useCases: message.useCases,
        stream: adapters.stream,
        once: (group, handler) => idempotentHandler(adapters.kv, group, handler),
        consumerName,
        onError: (error, what) => logger.error({ err: error }, `${what} failed`),
      })
    : async () => {};
  const stopThreadArchiver = worker
    ? startThreadArchiver({ archive: channel.useCases.archiveIdleThreads, intervalMs: 60_000, onError: (error) => logger.error({ err: error }, "thread auto-archive failed") })
    : () => {};
  // A member who leaves a guild leaves its threads (worker nodes, once per event across them).
  const threadCleanup = eventConsumer<GuildEvent>({ MEMBER_REMOVED: async ({ data }) => void (await channel.useCases.leaveGuildThreads(data.guild_id, data.user.id)) });
  const stopThreadCleanup = worker
    ? await adapters.stream.consume(
        { group: THREAD_CLEANUP_GROUP, consumer: consumerName, types: threadCleanup.types },
        idempotentHandler(adapters.kv, THREAD_CLEANUP_GROUP, threadCleanup.handle),
      )
    : async () => {};
  const stopSessionPurge = worker
    ? startSessionPurge({ purgeSessions: identity.purgeSessions, intervalMs: 60 * 60_000, onError: (error) => logger.error({ err: error }, "session purge failed") })
    : () => {};
  const stopAuditLogRetention = worker
    ? startAuditLogRetention({
        purge: () => guild.purgeAuditLog(config.auditLogRetentionDays),
        intervalMs: 60 * 60_000,
        onError: (error) => logger.error({ err: error }, "audit log retention failed"),
      })
    : () => {};
  let stopVoiceSweep = async () => {};
  let accepting = true;

  // The gateway's node-wide permission cache; events that change permissions drop what they touch.
  const visibility = createChannelVisibility(permissions);
  // READY's guild, presence and voice parts each need the user's guilds: one read serves the three.
  const readyGuilds = sharedWithinReady((userId) => guild.useCases.listMyGuilds(userId));
  const guildDispatch = guildGateway({
    useCases: guild.useCases,
    guildsOf: readyGuilds,
    memberCount: guild.memberCount,
    guildPermissions: async (userId, guildId) => (await guildAccess.standing(guildId, userId))?.permissions ?? 0n,
    channelPermissions: visibility.permissions,
    threadsOf: threadsForGuildCreate(channel.useCases.visibleActiveThreads),
  });
  const presence = createPresenceService({
    store: adapters.presence,
    kv: adapters.kv,
    pubSub: adapters.pubSub,
    clock,
    ids,
    guildIdsOf: guild.presenceGuildsOf,
    // A session lapses when its heartbeats stop for as long as the gateway tolerates.
    sessionTtlMs: config.gateway.heartbeatIntervalMs * HEARTBEAT_GRACE_FACTOR,
    offlineGraceMs: config.gateway.offlineGraceMs,
    onError: (error) => logger.error({ err: error }, "presence sweep failed"),
  });
  const sfu = await sfuStarting;
  const voice = createVoiceModule({
    unitOfWork: drizzleVoiceUnitOfWork(transact, ids, clock),
    queries: drizzleVoiceQueries(database.db),
    sfu,
    kv: adapters.kv,
    pubSub: adapters.pubSub,
    channels: permissions,
    guildAccess,
    guildIdsOf: async (viewer) => (await readyGuilds(viewer)).map((entry) => entry.id),
    channelPermissions: visibility.permissions,
    clock,
    ids,
    nodeId: config.nodeId,
    endpoint: () => voiceUrlOf(baseUrl),
    stateTtlMs: config.voice.stateTtlMs,
    statsIntervalMs: config.voice.statsIntervalMs,
    roomCapacity: config.voice.roomCapacity,
    ...routeSettings,
    onError: (error, context) => logger.error({ err: error, ...context }, "voice error"),
  });
  // Discord's session start limit: IDENTIFYs per user per day (× RATE_LIMIT_SCALE), counted cluster-wide.
  const identifyBudget = createIdentifyBudget(adapters.kv, Math.max(1, Math.floor(IDENTIFIES_PER_DAY * config.rateLimitScale)));
  const gateway = createGateway({
    pubSub: adapters.pubSub,
    kv: adapters.kv,
    stream: adapters.stream,
    logger,
    metrics,
    authenticate: identity.authenticateToken,
    contributors: [identity.gateway.ready, guildDispatch.ready, channelReady(channel.useCases.listDms), presenceReady(presence, async (viewer) => guild.peersOf(viewer.userId, await readyGuilds(viewer)), blocks), message.gateway.ready, voice.gateway.ready],
    // Every event of AppEvent needs its rule here (null for none): a missing or unknown one does not compile.
    rules: eventRoutes<AppEvent>(
      {
        ...identity.gateway.rules,
        ...presenceDispatchRules(blocks),
        ...guildDispatch.rules,
        ...channelDispatchRules(visibility, permissions, threadListSync(channel.useCases)),
        ...message.gateway.rules(visibility.permissions),
        ...voice.gateway.rules,
      },
      DISPATCH_NAMES,
    ),
    observers: [visibilityChanges(visibility)],
    onForwarded: message.gateway.onForwarded,
    presence: presenceTracker(presence, blocks),
    voice: voice.gateway.handler,
    members: guildMemberDirectory({ useCases: guild.useCases, memberCount: guild.memberCount }),
    identifyBudget,
    url: () => gatewayUrlOf(baseUrl),
    heartbeatIntervalMs: config.gateway.heartbeatIntervalMs,
    identifyTimeoutMs: config.gateway.identifyTimeoutMs,
    resumeWindowMs: config.gateway.resumeWindowMs,
    connectionLimits: {
      maxPerIp: Math.floor(config.gateway.maxConnectionsPerIp * config.rateLimitScale),
      connectsPerMinute: Math.floor(config.gateway.connectsPerIpPerMinute * config.rateLimitScale),
      trustProxy: config.trustProxy,
      rateLimiter: adapters.rateLimiter,
    },
    now: () => clock.now(),
    tracing,
  });
  const stopRevocations = await identity.onSessionRevoked(async ({ sessionId }) => {
    // Called from a pub/sub message, where nobody awaits it: a failure (the database down, say) is logged here.
    try {
      await gateway.revokeAuthSession(sessionId);
      await voice.revokeAuthSession(sessionId);
    } catch (error) {
      logger.error({ err: error, sessionId }, "closing a revoked session's connections failed");
    }
  });

  const gatewayInfo = gatewayInfoRoutes(() => gatewayUrlOf(baseUrl));
  const gatewayBot = gatewayBotRoutes({
    ...routeSettings,
    url: () => gatewayUrlOf(baseUrl),
    budget: identifyBudget,
    guildCount: async (userId) => (await guild.useCases.listMyGuilds(userId)).length,
  });
  const apiUnder = (prefix: string) =>
    new Elysia({ prefix, detail: prefix === API_PREFIXES[0] ? undefined : { hide: true } })
      .use(identity.routes)
      .use(gatewayInfo)
      .use(gatewayBot)
      .use(guild.routes)
      .use(channel.routes)
      .use(message.routes)
      .use(voice.routes);

  const http = new Elysia({
    normalize: false,
    // Slow readers are cut off rather than buffered without bound (backpressure).
    websocket: { maxPayloadLength: Math.max(MAX_FRAME_BYTES, MAX_VOICE_FRAME_BYTES), backpressureLimit: 4 * 1024 * 1024, closeOnBackpressureLimit: true, idleTimeout: 0 },
  })
    .use(
      httpCore({
        logger,
        metrics,
        errorTracker,
        tracing,
        classifyFault: classifyDatabaseFault,
        maxUploadBytes: config.maxUploadBytes,
        routes: createRouteTable((): readonly RouteInfo[] => http.routes),
      }),
    )
    .use(
      cors({
        origin: config.corsOrigins.includes("*") ? true : [...config.corsOrigins],
        exposeHeaders: EXPOSED_HEADERS,
        allowedHeaders: ["authorization", "content-type", "x-request-id", "x-audit-log-reason"],
        maxAge: 600,
      }),
    )
    // Registered before the docs plugin, so that it applies to the plugin's /swagger/json route.
    .onAfterHandle({ as: "global" }, ({ path, response }) => {
      if (path === "/swagger/json") completeDocument(response, http.routes);
    })
    .use(apiDocs({ version: packageJson.version, publicUrl: config.publicUrl }))
    .use(asyncApiDocs({ version: packageJson.version, publicUrl: config.publicUrl }))
    .use(
      operationsRoutes({
        checks: readinessChecks(database, adapters, sfu),
        renderMetrics: () => metrics.render(),
        metricsContentType: metrics.contentType,
        accepting: () => accepting,
      }),
    )
    .use(rateLimiting({ limiter: adapters.rateLimiter, scale: config.rateLimitScale, trustProxy: config.trustProxy }))
    .use(gateway.routes)
    .use(voice.signaling)
    // One API under every version prefix a client may use: /api/v1 is documented; Discord's libraries ask for
    // /api/v9, /api/v10 or /api, which serve the same routes (left out of the OpenAPI document).
    .use(API_PREFIXES.map((prefix) => apiUnder(prefix)).reduce((app, version) => app.use(version), new Elysia()));

  return {
    config,
    logger,
    metrics,
    database,
    adapters,
    relay,
    ids,
    transact,
    errorTracker,
    http,
    identity,
    guild,
    channel,
    message,
    gateway,
    presence,
    voice,
    sfu,
    /** Starts serving and relaying; resolves with the base URL. */
    listen(overrides: { port?: number; reusePort?: boolean } = {}) {
      http.listen({
        port: overrides.port ?? config.port,
        hostname: config.host,
        reusePort: overrides.reusePort ?? false,
        // Bun's own limit answers a bare 413 (no JSON body, no request id, no log line): http-core enforces every
        // limit itself, refusing a declared length before reading and counting chunked bodies as they arrive.
        maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      });
      relay.start();
      presence.start();
      voice.nodes.start();
      if (worker) {
        void startVoiceSweep({
          useCases: voice.useCases,
          stream: adapters.stream,
          consumerName,
          everyMs: Math.min(5000, config.voice.stateTtlMs / 4),
          onError: (error, context) => logger.error({ err: error, ...context }, "voice error"),
        })
          .then((stop) => void (stopVoiceSweep = stop))
          .catch((error: unknown) => logger.error({ err: error }, "voice start failed"));
      }
      const server = http.server;
      if (!server) throw new Error("server did not start");
      const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
      const url = `http://${host}:${server.port}`;
      baseUrl = config.publicUrl ?? url;
      if (server.port !== undefined) database.dataDirLock?.recordPort(server.port);
      return url;
    },
    /** Graceful stop: refuse new work, finish in-flight requests, flush the relay and Sentry, close stores. */
    async stop() {
      accepting = false;
      // Clients get op 7 RECONNECT and resume on another node; their sessions stay resumable.
      await gateway.shutdown();
      voice.closeSignaling();
      await stopVoiceSweep();
      await voice.stop();
      await stopRevocations();
      presence.stop();
      await http.stop(false).catch((error: unknown) => logger.warn({ err: error }, "server stop failed"));
      stopSessionPurge();
      stopAuditLogRetention();
      stopThreadArchiver();
      await stopThreadCleanup();
      await identity.close();
      message.close();
      await stopMessageJobs();
      permissions.close();
      await notices.close();
      await relay.stop();
      await relay.flush().catch(() => {});
      await errorTracker.flush();
      await adapters.close();
      await database.close();
      await tracing.shutdown();
    },
  };
};

export type App = Awaited<ReturnType<typeof createApp>>;

const openDatabase = async (config: Config, logger: Logger, tracing: Tracing): Promise<Database> => {
  const instrument = tracing.tracer ? tracedSql(tracing.tracer) : undefined;
  const database = config.databaseUrl
    ? createPostgresDatabase(config.databaseUrl, config.databasePoolSize, instrument)
    : await createPgliteDatabase(config.dataDir, instrument);
  if (config.migrateOnStart) {
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
    logger.debug({ database: database.kind }, "migrations applied");
  }
  return database;
};

/** The SFU on nodes with the voice role; null elsewhere. It never fails the start: without workers voice is off. */
const startSfu = async (config: Config, logger: Logger, metrics: ReturnType<typeof createMetrics>): Promise<MediasoupSfu | null> => {
  if (!config.roles.has("voice")) return null;
  const sfu = createMediasoupSfu({ ...config.mediasoup, logger, metrics });
  await sfu.start();
  const status = sfu.status();
  // Voice is optional and off until its worker is built: one calm line saying why and where to read how to turn it on.
  if (status.state !== "ready") logger.info({ detail: status.detail }, "voice is off on this node; chat works without it (README: Voice)");
  return sfu;
};

/** The signaling URL for a public HTTP base URL. */
const voiceUrlOf = (publicUrl: string) => `${publicUrl.replace(/^http/, "ws").replace(/\/$/, "")}/voice`;

const readinessChecks = (database: Database, adapters: Adapters, sfu: MediasoupSfu | null): ReadinessCheck[] => [
  {
    name: "database",
    required: true,
    check: async () => ({
      status: (await database.healthy()) ? "up" : "down",
      detail: database.kind === "pglite" ? "embedded PGlite" : "postgres",
    }),
  },
  {
    name: "redis",
    required: adapters.kind === "redis",
    check: async () => (adapters.kind === "memory" ? { status: "memory" } : { status: (await adapters.healthy()) ? "up" : "down" }),
  },
  // Voice is optional: without a mediasoup worker the node still serves chat.
  {
    name: "sfu",
    required: false,
    check: async () => {
      if (!sfu) return { status: "disabled", detail: "this node has no voice role" };
      const status = sfu.status();
      return { status: status.state === "ready" ? "up" : "unavailable", detail: `${status.workers} workers, ${status.rooms} rooms${status.detail ? `; ${status.detail}` : ""}` };
    },
  },
];
