/**
 * Gateway benchmark. `idle`: N authenticated sessions on one node process (Postgres + Redis), the time to
 * ramp them, and the node's memory per session, held with heartbeats for `--hold` seconds.
 *
 *   bun run bench gateway [--sessions 5000] [--hold 30] [--clients 2]
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../scripts/support/proc";
import { startNode } from "./support/node";
import { printTable, progress, writeResult } from "./support/report";
import { startServices } from "./support/services";

const { values } = parseArgs({
  options: { sessions: { type: "string", default: "5000" }, hold: { type: "string", default: "30" }, clients: { type: "string", default: "2" }, users: { type: "string", default: "50" } },
});
const sessions = Number(values.sessions);
const holdSeconds = Number(values.hold);
const clientProcesses = Math.max(1, Number(values.clients));
const users = Number(values.users);
const CLIENT = resolve(import.meta.dir, "support/gateway-clients.ts");
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const services = await startServices();
const children: Array<{ kill(signal?: number | NodeJS.Signals): void; exited: Promise<number> }> = [];
try {
  progress("gateway", "starting a node");
  const node = await startNode(await freePort(), {
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    RATE_LIMIT_SCALE: "1000000",
    DATA_DIR: "memory://",
  });
  progress("gateway", `registering ${users} users`);
  const tokens: string[] = [];
  for (let i = 0; i < users; i++) {
    const name = `bench_${Date.now().toString(36)}_${i}`;
    const response = await fetch(`${node.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: name, email: `${name}@bench.test`, password: "bench-password-1" }),
    });
    tokens.push(((await response.json()) as { access_token: string }).access_token);
  }
  const tokenFile = join(tmpdir(), `xcord-bench-tokens-${process.pid}`);
  writeFileSync(tokenFile, tokens.join("\n"));
  const rssBefore = await node.rss();

  const started = performance.now();
  const statuses = new Map<number, { ready: number; failed: number; closed: number }>();
  const perClient = Math.ceil(sessions / clientProcesses);
  const ramped = Array.from({ length: clientProcesses }, (_, index) => {
    const child = Bun.spawn(
      [process.execPath, CLIENT, "--url", `${node.url.replace("http", "ws")}/gateway`, "--tokens", tokenFile, "--count", String(Math.min(perClient, sessions - index * perClient))],
      { stdout: "pipe", stderr: "inherit" } as const,
    );
    children.push(child);
    // Read to the end: a client writing to a pipe nobody reads would die of EPIPE and drop its sessions.
    return new Promise<void>((rampedDone) => {
      void (async () => {
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines()).getReader();
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          const status = JSON.parse(next.value) as { event?: string; ready: number; failed: number; closed: number };
          statuses.set(index, status);
          const total = [...statuses.values()].reduce((sum, s) => sum + s.ready, 0);
          progress("gateway", `sessions ready ${total}/${sessions}`);
          if (status.event === "ramped") rampedDone();
        }
        rampedDone();
      })();
    });
  });
  await Promise.race([Promise.all(ramped), Bun.sleep(300_000)]);
  const rampSeconds = (performance.now() - started) / 1000;
  const readyAfterRamp = [...statuses.values()].reduce((sum, s) => sum + s.ready, 0);
  const rssAfterRamp = await node.rss();

  progress("gateway", `holding for ${holdSeconds} s`);
  await Bun.sleep(holdSeconds * 1000);
  const closedDuringHold = [...statuses.values()].reduce((sum, s) => sum + s.closed, 0);
  const openSessions = Number(/xcord_gateway_sessions (\d+)/.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? 0);
  const rssHeld = await node.rss();
  process.stderr.write("\n");

  const figures = {
    sessionsRequested: sessions,
    sessionsReady: readyAfterRamp,
    openAfterHold: openSessions,
    closedDuringHold,
    rampSeconds: Math.round(rampSeconds * 10) / 10,
    sessionsPerSecond: Math.round(readyAfterRamp / rampSeconds),
    nodeRssBeforeMiB: mib(rssBefore),
    nodeRssHeldMiB: mib(rssHeld),
    bytesPerSession: Math.round((rssHeld - rssBefore) / Math.max(1, openSessions)),
    rssAfterRampMiB: mib(rssAfterRamp),
  };
  printTable([
    { figure: "sessions ready / requested", value: `${readyAfterRamp} / ${sessions}` },
    { figure: `open after ${holdSeconds} s hold`, value: openSessions },
    { figure: "ramp time", value: `${figures.rampSeconds} s (${figures.sessionsPerSecond}/s)` },
    { figure: "node RSS idle → held", value: `${figures.nodeRssBeforeMiB} → ${figures.nodeRssHeldMiB} MiB` },
    { figure: "memory per session", value: `${(figures.bytesPerSession / 1024).toFixed(1)} KiB` },
  ]);
  console.log(`\nwritten ${writeResult("gateway", { scenario: "idle", sessions, holdSeconds, clientProcesses, users }, figures)}`);
  await node.stop();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => Promise.race([child.exited, Bun.sleep(5000)])));
  await services.stop();
}

function splitLines() {
  let buffer = "";
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) controller.enqueue(line);
    },
  });
}
