/**
 * `bun run cluster`: the production topology of the topology suite, for a person to try: three XCord nodes each in
 * its own network namespace, HAProxy in front (the URL printed), PostgreSQL behind PgBouncer in transaction mode,
 * Redis. Needs root (namespaces), haproxy and pgbouncer. Ctrl-C (or SIGTERM) stops and removes everything; a second
 * Ctrl-C kills instead of waiting; leftovers of a run that was killed outright are removed by the next start.
 *
 *   bun run cluster [--port 8080]
 */
import { ensureDependencies, MissingDependency } from "./support/deps";
import { log } from "./support/proc";
import { type Topology, killOwnTopology, startTopology, topologyUnavailable } from "./support/topology";

const portArgument = (): number | undefined => {
  const at = process.argv.indexOf("--port");
  if (at < 0) return undefined;
  const port = Number(process.argv[at + 1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error("usage: bun run cluster [--port <1-65535>]");
    process.exit(2);
  }
  return port;
};

let topology: Topology | null = null;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) {
    // A second Ctrl-C: no more waiting for graceful stops.
    log(`${signal} again: killing everything`);
    await killOwnTopology();
    process.exit(130);
  }
  stopping = true;
  log(`${signal}: stopping the cluster`);
  await topology?.stop();
  log("stopped; namespaces, links, processes and files removed");
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

const haproxyPort = portArgument();
try {
  await ensureDependencies();
  const unavailable = await topologyUnavailable();
  if (unavailable) throw new MissingDependency(`bun run cluster cannot run here: ${unavailable}`);
  log("starting PostgreSQL, PgBouncer, Redis, three XCord nodes in network namespaces and HAProxy …");
  topology = await startTopology({ haproxyPort });
  if (stopping) await new Promise(() => {}); // Ctrl-C during start: shutdown() is tearing it down
  const { url, statsUrl, network, nodes, dir } = topology;
  console.log(
    [
      "",
      `XCord cluster ready: ${url}`,
      `  API ${url}/api/v1 · gateway ${url.replace(/^http/, "ws")}/gateway · Swagger UI ${url}/swagger`,
      `  HAProxy stats ${statsUrl}/stats`,
      ...nodes.map((node) => `  ${node.name}: ${node.url} in namespace ${node.host.namespace} (log ${node.logPath})`),
      `  PgBouncer and Redis on ${network.gateway}; files in ${dir}`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
} catch (error) {
  console.error(error instanceof MissingDependency ? error.message : `cluster: ${error instanceof Error ? error.message : String(error)}`);
  await topology?.stop();
  process.exit(1);
}
