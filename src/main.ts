import { createApp } from "./app";
import { runCluster } from "./cluster";
import { ConfigError, loadConfig } from "./shared/infrastructure/config";

/** Process entry: config → app → listen; graceful shutdown on SIGTERM/SIGINT. */
const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(`config: ${problem}`);
    process.exit(1);
  }
  if (config.workers > 1) process.exit(await runCluster(config, import.meta.path));
  const startedAt = performance.now();
  const app = await createApp({ config });
  const url = app.listen({ reusePort: process.env.XCORD_REUSE_PORT === "1" });
  app.logger.info(
    { url, database: app.database.kind, redis: app.adapters.kind, startupMs: Math.round(performance.now() - startedAt) },
    "xcord listening",
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      app.logger.error("shutdown took longer than 25 s; exiting");
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
    app.logger.error({ err: reason }, "unhandled rejection");
    app.errorTracker.capture(reason);
  });
};

await main();
