import { type App, createApp } from "./app";
import { runCluster } from "./cluster";
import { type Config, ConfigError, loadConfig } from "./shared/infrastructure/config";
import { listenProblem, reservePort } from "./shared/infrastructure/port-reservation";
import { isDriverWriteAfterClose } from "./shared/infrastructure/postgres/database-errors";
import { gatewayUrlOf } from "./shared/gateway/gateway-info-routes";

/** Everything that stops a start is one line on stderr and exit code 1; a stack trace only at LOG_LEVEL debug/trace. */
function exitOnStartFailure(error: unknown, config: Config | undefined): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`config: ${problem}`);
  } else {
    console.error(`xcord: failed to start: ${error instanceof Error ? error.message : String(error)}`);
    if (config?.logLevel === "debug" || config?.logLevel === "trace") console.error(error);
  }
  process.exit(1);
}

/** The one human line a person at a terminal reads when the node is ready (the JSON log line says the same). */
const readyLine = (app: App, url: string, startupMs: number): string => {
  const { config } = app;
  const base = (config.publicUrl ?? url).replace(/\/$/, "");
  const database = app.database.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL";
  const bus = app.adapters.kind === "redis" ? "Redis" : "in-memory pub/sub (one node)";
  return [
    `XCord ready in ${(startupMs / 1000).toFixed(1)} s on ${base} (${database}; ${bus})`,
    `API ${base}/api/v1 · gateway ${gatewayUrlOf(base)} · Swagger UI ${base}/swagger · docs in docs/ (README.md)`,
  ].join(" · ");
};

/** Process entry: config → port → app → listen; graceful shutdown on SIGTERM/SIGINT. */
const main = async () => {
  let config: Config | undefined;
  try {
    config = loadConfig();
  } catch (error) {
    exitOnStartFailure(error, config);
  }
  if (config.workers > 1) process.exit(await runCluster(config, import.meta.path));
  const startedAt = performance.now();
  const reusePort = process.env.XCORD_REUSE_PORT === "1";
  let app: App | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // A signal during start-up is honoured once the app exists (below), never by dying mid-migration.
    if (!app) return;
    app.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      app?.logger.error("shutdown took longer than 25 s; exiting");
      process.exit(1);
    }, 25_000);
    force.unref();
    await app.stop();
    app.logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("unhandledRejection", (reason) => {
    app?.logger.error({ err: reason }, "unhandled rejection");
    app?.errorTracker.capture(reason);
  });
  process.on("uncaughtException", (error) => {
    if (isDriverWriteAfterClose(error)) {
      app?.logger.warn({ err: error }, "postgres-js wrote to a connection it had closed (known driver bug); the pool replaces it");
      return;
    }
    // What Bun would do (print and exit 1), but as a log line and an error report first.
    app?.logger.fatal({ err: error }, "uncaught exception; exiting");
    app?.errorTracker.capture(error);
    void (app?.errorTracker.flush() ?? Promise.resolve()).finally(() => process.exit(1));
  });

  let url: string;
  try {
    // The port first: a start that cannot serve must not open DATA_DIR or migrate anything.
    const reservation = reservePort(config.host, config.port, reusePort);
    try {
      app = await createApp({ config });
    } finally {
      reservation.release();
    }
    if (stopping) {
      await app.stop();
      process.exit(0);
    }
    url = app.listen({ reusePort });
  } catch (error) {
    await app?.stop().catch(() => {});
    exitOnStartFailure(listenProblem(error, config.host, config.port) ?? error, config);
  }
  const startupMs = Math.round(performance.now() - startedAt);
  app.logger.info({ url, database: app.database.kind, redis: app.adapters.kind, startupMs }, "xcord listening");
  if (config.logLevel !== "silent") console.error(readyLine(app, url, startupMs));
};

await main();
