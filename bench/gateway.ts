/**
 * Gateway benchmarks on one node process with real PostgreSQL and Redis; clients run in separate processes.
 *
 *   idle:   N authenticated sessions; ramp time; node memory per session after holding them with heartbeats.
 *   fanout: a guild of N online members; messages sent by REST; latency from send to the last member.
 *
 *   bun run bench gateway [--scenario idle|fanout] [--sessions 5000] [--hold 30] [--members 1000] [--messages 200]
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../scripts/support/proc";
import { type BenchNode, startNode } from "./support/node";
import { latencySummary, printTable, progress, writeResult } from "./support/report";
import { startServices } from "./support/services";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "idle" },
    sessions: { type: "string", default: "5000" },
    hold: { type: "string", default: "30" },
    clients: { type: "string", default: "2" },
    users: { type: "string", default: "50" },
    members: { type: "string", default: "1000" },
    messages: { type: "string", default: "200" },
  },
});
const CLIENT = resolve(import.meta.dir, "support/gateway-clients.ts");
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const clientProcesses = Math.max(1, Number(values.clients));

interface ClientStatus {
  event?: string;
  ready: number;
  failed: number;
  closed: number;
  delays: Array<[string, number]>;
}

/** Starts client processes holding `count` sessions; resolves once every one finished its ramp. */
const startClients = async (node: BenchNode, tokens: string[], count: number, onDelays: (delays: Array<[string, number]>) => void) => {
  const tokenFile = join(tmpdir(), `xcord-bench-tokens-${process.pid}`);
  writeFileSync(tokenFile, tokens.join("\n"));
  const statuses = new Map<number, ClientStatus>();
  const perClient = Math.ceil(count / clientProcesses);
  const children = Array.from({ length: clientProcesses }, (_, index) => {
    const share = Math.max(0, Math.min(perClient, count - index * perClient));
    // Each process takes its own slice of the tokens, so every member gets exactly one session.
    const slice = join(tmpdir(), `xcord-bench-tokens-${process.pid}-${index}`);
    writeFileSync(slice, tokens.slice(index * perClient, index * perClient + share).join("\n") || tokens.join("\n"));
    const args = [CLIENT, "--url", `${node.url.replace("http", "ws")}/gateway`, "--tokens", slice, "--count", String(share), "--watch", "MESSAGE_CREATE"];
    return Bun.spawn([process.execPath, ...args], { stdout: "pipe", stderr: "inherit" } as const);
  });
  const ramped = children.map(
    (child, index) =>
      new Promise<void>((rampedDone) => {
        void (async () => {
          // Read to the end: a client writing to a pipe nobody reads would die of EPIPE and drop its sessions.
          const reader = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines()).getReader();
          for (let next = await reader.read(); !next.done; next = await reader.read()) {
            const status = JSON.parse(next.value) as ClientStatus;
            statuses.set(index, status);
            if (status.delays?.length) onDelays(status.delays);
            if (status.event === "ramped") rampedDone();
          }
          rampedDone();
        })();
      }),
  );
  const total = (field: "ready" | "closed") => [...statuses.values()].reduce((sum, status) => sum + status[field], 0);
  const ticker = setInterval(() => progress("gateway", `sessions ready ${total("ready")}/${count}`), 500);
  const started = performance.now();
  await Promise.race([Promise.all(ramped), Bun.sleep(300_000)]);
  clearInterval(ticker);
  return {
    rampSeconds: (performance.now() - started) / 1000,
    ready: () => total("ready"),
    closed: () => total("closed"),
    async stop() {
      for (const child of children) child.kill("SIGTERM");
      await Promise.all(children.map((child) => Promise.race([child.exited, Bun.sleep(5000)])));
    },
  };
};

const post = async (url: string, body: unknown, token?: string) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, any>;
};

/** Registers `count` users with bounded concurrency (argon2 is deliberately slow). */
const registerUsers = async (node: BenchNode, count: number): Promise<string[]> => {
  const tokens: string[] = [];
  const stamp = Date.now().toString(36);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const i = next++;
        const name = `b_${stamp}_${i}`;
        tokens[i] = (await post(`${node.url}/api/v1/auth/register`, { username: name, email: `${name}@bench.test`, password: "bench-password-1" })).access_token;
        if (i % 50 === 0) progress("gateway", `registered ${i}/${count} users`);
      }
    }),
  );
  return tokens;
};

const idle = async (node: BenchNode) => {
  const sessions = Number(values.sessions);
  const holdSeconds = Number(values.hold);
  const tokens = await registerUsers(node, Number(values.users));
  const rssBefore = await node.rss();
  const clients = await startClients(node, Array.from({ length: sessions }, (_, i) => tokens[i % tokens.length]!), sessions, () => {});
  progress("gateway", `holding ${clients.ready()} sessions for ${holdSeconds} s`);
  await Bun.sleep(holdSeconds * 1000);
  const open = Number(/xcord_gateway_sessions (\d+)/.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1] ?? 0);
  const rssHeld = await node.rss();
  await clients.stop();
  const figures = {
    sessionsRequested: sessions,
    sessionsReady: clients.ready(),
    openAfterHold: open,
    rampSeconds: Math.round(clients.rampSeconds * 10) / 10,
    nodeRssBeforeMiB: mib(rssBefore),
    nodeRssHeldMiB: mib(rssHeld),
    bytesPerSession: Math.round((rssHeld - rssBefore) / Math.max(1, open)),
  };
  printTable([
    { figure: "sessions ready / requested", value: `${figures.sessionsReady} / ${sessions}` },
    { figure: `open after ${holdSeconds} s with heartbeats`, value: open },
    { figure: "ramp time", value: `${figures.rampSeconds} s (${Math.round(figures.sessionsReady / clients.rampSeconds)}/s)` },
    { figure: "node RSS idle → held", value: `${figures.nodeRssBeforeMiB} → ${figures.nodeRssHeldMiB} MiB` },
    { figure: "node memory per session", value: `${(figures.bytesPerSession / 1024).toFixed(1)} KiB` },
  ]);
  return { parameters: { scenario: "idle", sessions, holdSeconds, clientProcesses }, figures };
};

const fanout = async (node: BenchNode) => {
  const members = Number(values.members);
  const messages = Number(values.messages);
  const tokens = await registerUsers(node, members);
  const owner = tokens[0]!;
  const guild = await post(`${node.url}/api/v1/guilds`, { name: "Fanout" }, owner);
  const channelId = (guild.channels as Array<{ id: string; name: string }>).find((channel) => channel.name === "general")!.id;
  const invite = await post(`${node.url}/api/v1/channels/${channelId}/invites`, { max_age: 0 }, owner);
  for (let i = 1; i < members; i++) {
    await post(`${node.url}/api/v1/invites/${invite.code}`, {}, tokens[i]);
    if (i % 100 === 0) progress("gateway", `joined ${i}/${members}`);
  }
  const receipts = new Map<string, { count: number; last: number }>();
  const clients = await startClients(node, tokens, members, (delays) => {
    for (const [id, delay] of delays) {
      const entry = receipts.get(id) ?? { count: 0, last: 0 };
      entry.count++;
      entry.last = Math.max(entry.last, delay);
      receipts.set(id, entry);
    }
  });
  const sent: string[] = [];
  for (let i = 0; i < messages; i++) {
    const sentAt = performance.timeOrigin + performance.now();
    sent.push(String((await post(`${node.url}/api/v1/channels/${channelId}/messages`, { content: `m${i} sent_at=${sentAt}` }, owner)).id));
    progress("gateway", `sent ${i + 1}/${messages}`);
    // One message at a time in flight across the guild: latency, not throughput, is measured here.
    const deadline = Date.now() + 10_000;
    while ((receipts.get(sent[i]!)?.count ?? 0) < clients.ready() && Date.now() < deadline) await Bun.sleep(2);
  }
  await Bun.sleep(500);
  await clients.stop();
  const complete = sent.filter((id) => (receipts.get(id)?.count ?? 0) >= clients.ready());
  const lastDelivery = latencySummary(complete.map((id) => receipts.get(id)!.last));
  const figures = { members, sessionsReady: clients.ready(), messages, deliveredToAll: complete.length, lastMemberLatencyMs: lastDelivery };
  printTable([
    { figure: "online members", value: clients.ready() },
    { figure: "messages delivered to every member", value: `${complete.length} / ${messages}` },
    { figure: "send → last member p50 / p95 / p99 / max", value: `${lastDelivery.p50} / ${lastDelivery.p95} / ${lastDelivery.p99} / ${lastDelivery.max} ms` },
  ]);
  return { parameters: { scenario: "fanout", members, messages, clientProcesses }, figures };
};

const services = await startServices();
try {
  progress("gateway", "starting a node");
  const node = await startNode(await freePort(), {
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    RATE_LIMIT_SCALE: "1000000",
    DATA_DIR: "memory://",
  });
  try {
    const result = values.scenario === "fanout" ? await fanout(node) : await idle(node);
    process.stderr.write("\n");
    console.log(`\nwritten ${writeResult("gateway", result.parameters, result.figures)}`);
  } finally {
    await node.stop();
  }
} finally {
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
