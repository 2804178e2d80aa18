/**
 * What the fault tests share: a cluster of node processes on the harness's PostgreSQL and Redis, a guild with
 * members, a bounded load of REST senders and gateway clients that reconnect and RESUME by themselves (as
 * docs/guarantees.md tells clients to), and the checks every fault test ends with.
 */
import { expect } from "bun:test";
import postgres from "postgres";
import { type ApiClient, type GuildBody, apiClient, createGuild, generalOf, joinAll } from "../support/guild";
import { type TestUser, jwtKeyFiles, registerUser } from "../support/identity";
import { type NodeProcess, spawnNode } from "../support/process";
import { type TestServer, waitFor } from "../support/server";

const HEARTBEAT_INTERVAL_MS = 2_000;

export interface ChaosNode {
  readonly nodeId: number;
  readonly url: string;
  readonly process: NodeProcess;
  /** The application_name its PostgreSQL connections carry (to find the relay lock's holder). */
  readonly applicationName: string;
  alive: boolean;
  /** A TestServer look-alike for the support helpers, which only use url and request(). */
  readonly server: TestServer;
  readonly api: ApiClient;
}

/** Env every chaos node runs with: limits out of the way, short heartbeats and grace so faults show quickly. */
export const chaosEnv = (nodeId: number, extra: Record<string, string> = {}): Record<string, string> => {
  const keys = jwtKeyFiles();
  const applicationName = `xcord-chaos-${nodeId}`;
  const databaseUrl = process.env.DATABASE_URL ?? "";
  return {
    NODE_ID: String(nodeId),
    DATABASE_URL: `${databaseUrl}${databaseUrl.includes("?") ? "&" : "?"}application_name=${applicationName}`,
    REDIS_URL: process.env.REDIS_URL ?? "",
    JWT_PRIVATE_KEY_FILE: keys.privateKey,
    JWT_PUBLIC_KEY_FILE: keys.publicKey,
    RATE_LIMIT_SCALE: "1000",
    GATEWAY_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS),
    PRESENCE_OFFLINE_GRACE_MS: "1000",
    REDIS_COMMAND_TIMEOUT_MS: "1500",
    LOG_LEVEL: "info",
    ...extra,
  };
};

/** A TestServer-shaped handle on a node process (request() only; app is not reachable across processes). */
export const remoteServer = (url: string): TestServer =>
  ({
    url,
    logs: [],
    request(path: string, init: RequestInit & { json?: unknown; token?: string } = {}) {
      const { json, token, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (json !== undefined) allHeaders.set("content-type", "application/json");
      if (token) allHeaders.set("authorization", `Bearer ${token}`);
      return fetch(url + path, { ...rest, headers: allHeaders, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    stop: async () => {},
  }) as unknown as TestServer;

/** Starts the nodes one after the other (the first applies migrations). */
export const startCluster = async (nodeIds: readonly number[], extra: Record<string, string> = {}): Promise<ChaosNode[]> => {
  const nodes: ChaosNode[] = [];
  for (const nodeId of nodeIds) {
    const env = chaosEnv(nodeId, extra);
    const child = await spawnNode(env, 30_000);
    const server = remoteServer(child.url);
    nodes.push({ nodeId, url: child.url, process: child, applicationName: `xcord-chaos-${nodeId}`, alive: true, server, api: apiClient(server) });
  }
  return nodes;
};

export const killNode = async (node: ChaosNode): Promise<void> => {
  node.alive = false;
  node.process.process.kill("SIGKILL");
  await node.process.process.exited;
};

export const stopCluster = async (nodes: readonly ChaosNode[]): Promise<void> => {
  await Promise.all(
    nodes.map(async (node) => {
      if (!node.alive) return;
      node.alive = false;
      node.process.process.kill("SIGKILL");
      await node.process.process.exited;
    }),
  );
};

/** The status of GET /ready on a node, or 0 when it does not answer. */
export const readyStatus = async (node: ChaosNode): Promise<number> => {
  try {
    const response = await fetch(`${node.url}/ready`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};

/** Polls /ready on every live node until each answers `status`. */
export const waitReady = async (nodes: readonly ChaosNode[], status: 200 | 503, timeoutMs = 20_000): Promise<void> => {
  let last: number[] = [];
  await waitFor(
    async () => {
      last = await Promise.all(nodes.filter((n) => n.alive).map(readyStatus));
      return last.every((s) => s === status);
    },
    { timeoutMs, intervalMs: 100, what: `/ready to answer ${status} on every live node` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (last answers: ${last.join(", ")})`);
  });
};

/** The node's xcord_gateway_sessions gauge: sockets it holds open. */
export const gatewaySessionsOn = async (node: ChaosNode): Promise<number> => {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("xcord_gateway_sessions "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
};

export interface World {
  readonly owner: TestUser;
  readonly members: TestUser[];
  /** Not in the guild: must never receive the channel's messages. */
  readonly outsider: TestUser;
  readonly guild: GuildBody;
  readonly channelId: string;
}

/** A guild with `memberCount` members besides its owner, and one outsider. */
export const createWorld = async (node: ChaosNode, memberCount: number): Promise<World> => {
  const users = await Promise.all(Array.from({ length: memberCount + 2 }, () => registerUser(node.server)));
  const [owner, outsider, ...members] = users as [TestUser, TestUser, ...TestUser[]];
  const guild = await createGuild(node.api, owner, "Chaos");
  await joinAll(node.api, owner, guild, members);
  return { owner, members, outsider, guild, channelId: generalOf(guild).id };
};

/**
 * A gateway client that behaves as docs/guarantees.md asks: tracks `s`, heartbeats, and after any drop reconnects
 * (to the same node, else the next one, with backoff) and RESUMEs; INVALID_SESSION makes it IDENTIFY afresh.
 * It counts every MESSAGE_CREATE by message id, and every irregularity, for the checks.
 */
export class ResilientClient {
  sessionId: string | undefined;
  seq = 0;
  readonly messages = new Map<string, number>();
  /** MESSAGE_CREATE counts per gateway session (a re-IDENTIFY starts a new one). */
  readonly perSession = new Map<string, Map<string, number>>();
  readonly sessions: string[] = [];
  readonly closeCodes: number[] = [];
  invalidSessions = 0;
  resumed = 0;
  /** Dispatches whose `s` was not the previous one + 1. */
  readonly gaps: Array<{ expected: number; got: number }> = [];
  open = false;
  private socket: WebSocket | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private failures = 0;
  private readyWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly user: TestUser,
    private readonly nodes: readonly ChaosNode[],
    private nodeIndex: number,
  ) {}

  get node(): ChaosNode {
    return this.nodes[this.nodeIndex % this.nodes.length]!;
  }

  /** Connects and resolves at the first READY. */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    this.connect();
    return ready;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.socket?.close();
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.node.alive) this.nodeIndex++;
    const socket = new WebSocket(`${this.node.url.replace(/^http/, "ws")}/gateway`);
    this.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      this.open = true;
    });
    socket.addEventListener("message", (message) => this.onFrame(socket, JSON.parse(String(message.data))));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.open = false;
      clearInterval(this.heartbeat);
      this.closeCodes.push(event.code);
      if (this.stopped) return;
      // A refused upgrade or a dead node: back off and try the other node next time.
      if (!opened || event.code === 1006) this.nodeIndex++;
      this.failures++;
      setTimeout(() => this.connect(), Math.min(100 * 2 ** Math.min(this.failures - 1, 4), 1_000));
    });
  }

  private onFrame(socket: WebSocket, frame: { op: number; d: any; s: number | null; t: string | null }): void {
    const send = (payload: unknown) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(payload));
    switch (frame.op) {
      case 10: {
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => send({ op: 1, d: this.seq }), frame.d.heartbeat_interval);
        if (this.sessionId) send({ op: 6, d: { token: this.user.access_token, session_id: this.sessionId, seq: this.seq } });
        else send({ op: 2, d: { token: this.user.access_token, properties: { os: "linux", browser: "xcord-chaos", device: "xcord-chaos" } } });
        return;
      }
      case 7:
        return socket.close();
      case 9:
        this.invalidSessions++;
        this.sessionId = undefined;
        this.seq = 0;
        return socket.close();
      case 0: {
        if (frame.t === "READY") {
          this.sessionId = frame.d.session_id;
          this.sessions.push(frame.d.session_id);
          this.seq = frame.s ?? 0;
        } else if (frame.s !== null) {
          if (frame.s !== this.seq + 1) this.gaps.push({ expected: this.seq + 1, got: frame.s });
          this.seq = Math.max(this.seq, frame.s);
        }
        if (frame.t === "READY" || frame.t === "RESUMED") {
          this.failures = 0;
          if (frame.t === "RESUMED") this.resumed++;
          for (const resolve of this.readyWaiters.splice(0)) resolve();
        }
        if (frame.t === "MESSAGE_CREATE") {
          this.messages.set(frame.d.id, (this.messages.get(frame.d.id) ?? 0) + 1);
          let counts = this.perSession.get(this.sessionId ?? "");
          if (!counts) this.perSession.set(this.sessionId ?? "", (counts = new Map()));
          counts.set(frame.d.id, (counts.get(frame.d.id) ?? 0) + 1);
        }
      }
    }
  }
}

export interface SentMessage {
  readonly id: string;
  readonly phase: string;
}

/**
 * Senders posting to the channel through the live nodes in turn, until stopped. Only answers that came back 2xx
 * count as sent; everything else is tallied by status (0 for no answer).
 */
export class Load {
  readonly sent: SentMessage[] = [];
  readonly failures = new Map<string, number>();
  phase = "before";
  private stopped = false;
  private loops: Promise<void>[] = [];
  private turn = 0;

  constructor(
    private readonly nodes: readonly ChaosNode[],
    private readonly senders: readonly TestUser[],
    private readonly channelId: string,
    private readonly paceMs = 100,
  ) {}

  start(): void {
    this.loops = this.senders.map((sender, index) => this.run(sender, index));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Sends of `phase` that did not get a 2xx. */
  failedIn(phase: string): number {
    return [...this.failures].filter(([key]) => key.startsWith(`${phase}:`)).reduce((sum, [, count]) => sum + count, 0);
  }

  /** Resolves once `count` more sends of the current phase failed (the load ran into the fault). */
  async waitForFailures(count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const phase = this.phase;
    const target = this.failedIn(phase) + count;
    await waitFor(() => this.failedIn(phase) >= target, { timeoutMs, intervalMs: 50, what });
  }

  sentIn(phase: string): number {
    return this.sent.filter((message) => message.phase === phase).length;
  }

  /** Resolves once `count` more sends succeeded (from now). */
  async waitForSends(count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const target = this.sent.length + count;
    await waitFor(() => this.sent.length >= target, { timeoutMs, intervalMs: 50, what });
  }

  private async run(sender: TestUser, index: number): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      const alive = this.nodes.filter((node) => node.alive);
      const node = alive[this.turn++ % alive.length]!;
      const phase = this.phase;
      try {
        const response = await fetch(`${node.url}/api/v1/channels/${this.channelId}/messages`, {
          method: "POST",
          headers: { authorization: `Bearer ${sender.access_token}`, "content-type": "application/json" },
          body: JSON.stringify({ content: `sender ${index} message ${++n} (${phase})` }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.status >= 200 && response.status < 300) this.sent.push({ id: (JSON.parse(text) as { id: string }).id, phase });
        else this.tally(`${phase}:${response.status}`);
      } catch {
        this.tally(`${phase}:0`);
      }
      await Bun.sleep(this.paceMs); // pacing the load, not synchronisation
    }
  }

  private tally(key: string): void {
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }
}

/** Every message id in the channel's history (newest first, paged with `before`). */
export const historyIds = async (node: ChaosNode, reader: TestUser, channelId: string): Promise<Set<string>> => {
  const ids = new Set<string>();
  let before = "";
  for (;;) {
    const reply = await node.api.get<Array<{ id: string }>>(`/channels/${channelId}/messages?limit=100${before ? `&before=${before}` : ""}`, reader);
    if (reply.status !== 200) throw new Error(`history: ${reply.status} ${JSON.stringify(reply.body)}`);
    for (const message of reply.body) ids.add(message.id);
    if (reply.body.length < 100) return ids;
    before = reply.body.at(-1)!.id;
  }
};

/**
 * The checks every fault test ends with, once the fault is over and the load stopped:
 * - every 2xx message is in history;
 * - every member's client received every 2xx message exactly once, in one gateway session (RESUME, never a
 *   re-IDENTIFY), with a gapless sequence, and the outsider none;
 * - no half-open session: the sockets the live nodes hold are exactly the clients' open sockets;
 * - presence converged: a fresh session sees every member client online.
 */
export const checkOutcome = async (options: {
  readonly nodes: readonly ChaosNode[];
  readonly world: World;
  readonly load: Load;
  readonly clients: readonly ResilientClient[];
  readonly outsider: ResilientClient;
  /** The members whose clients are running (their users must show online); every member by default. */
  readonly online?: readonly TestUser[];
}): Promise<{ messages: number; deliveries: number }> => {
  const { nodes, world, load, clients, outsider, online = world.members } = options;
  const live = nodes.filter((node) => node.alive);
  const sent = load.sent.map((message) => message.id);
  expect(new Set(sent).size).toBe(sent.length);

  const history = await historyIds(live[0]!, world.owner, world.channelId);
  const missingFromHistory = sent.filter((id) => !history.has(id));
  expect(missingFromHistory).toEqual([]);

  // Wait for delivery to settle: every client has every 2xx message (extra, uncounted ones may exist: a send whose
  // answer was lost can still have committed).
  await waitFor(() => clients.every((client) => sent.every((id) => client.messages.has(id))), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: "every client to receive every message that was answered 2xx",
  }).catch((error: unknown) => {
    const report = clients.map((client) => `${client.name}: missing ${sent.filter((id) => !client.messages.has(id)).length}`);
    throw new Error(`${String(error)}\n${report.join("\n")}`);
  });
  let deliveries = 0;
  for (const client of clients) {
    const duplicates = [...client.messages].filter(([, count]) => count > 1);
    expect({ client: client.name, duplicates }).toEqual({ client: client.name, duplicates: [] });
    expect({ client: client.name, sessions: client.sessions.length, invalid: client.invalidSessions, gaps: client.gaps }).toEqual({
      client: client.name,
      sessions: 1,
      invalid: 0,
      gaps: [],
    });
    deliveries += sent.length;
  }
  expect(outsider.messages.size).toBe(0);

  // No half-open sessions: what the nodes hold is what the clients have open.
  await waitFor(
    async () => {
      const held = (await Promise.all(live.map(gatewaySessionsOn))).reduce((a, b) => a + b, 0);
      const open = [...clients, outsider].filter((client) => client.open).length;
      return held === open && open === clients.length + 1;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: "the nodes' open gateway sessions to equal the clients' open sockets" },
  );

  // Presence converged: a fresh session of the owner sees every running member online.
  await waitFor(
    async () => {
      const observer = new ResilientClient("observer", world.owner, live, 0);
      const presences = await new Promise<Array<{ user: { id: string }; status: string }> | undefined>((resolve, reject) => {
        const socket = new WebSocket(`${live[0]!.url.replace(/^http/, "ws")}/gateway`);
        const timer = setTimeout(() => reject(new Error("no READY for the observer")), 10_000);
        let heartbeats: ReturnType<typeof setInterval> | undefined;
        socket.addEventListener("message", (message) => {
          const frame = JSON.parse(String(message.data));
          if (frame.op === 10) {
            // Heartbeats from HELLO on, as a client must: a READY that takes a while is no reason to be dropped.
            heartbeats = setInterval(() => socket.send(JSON.stringify({ op: 1, d: null })), frame.d.heartbeat_interval / 2);
            socket.send(JSON.stringify({ op: 2, d: { token: observer.user.access_token, properties: {} } }));
          }
          if (frame.op === 0 && frame.t === "READY") {
            clearTimeout(timer);
            clearInterval(heartbeats);
            socket.close();
            resolve(frame.d.presences);
          }
        });
        socket.addEventListener("close", (event) => {
          clearInterval(heartbeats);
          clearTimeout(timer);
          // 4000 is "reconnect" (READY could not be read yet, say): a client tries again, and so does this check.
          if (event.code === 4000) resolve(undefined);
          else reject(new Error(`observer socket closed: ${event.code} ${event.reason}`));
        });
      });
      if (!presences) return false;
      const onlineIds = new Set(presences.filter((p) => p.status === "online").map((p) => p.user.id));
      return online.every((user) => onlineIds.has(user.user.id));
    },
    { timeoutMs: 20_000, intervalMs: 250, what: "presence to show every running member online" },
  );
  return { messages: sent.length, deliveries };
};

/** Starts one client per member (spread over the nodes) and the outsider's; resolves once all are READY. */
export const startClients = async (nodes: readonly ChaosNode[], world: World) => {
  const clients = world.members.map((member, index) => new ResilientClient(`member ${index}`, member, nodes, index));
  const outsider = new ResilientClient("outsider", world.outsider, nodes, 1);
  await Promise.all([...clients, outsider].map((client) => client.start()));
  return { clients, outsider };
};

/** What a fault test runs against: the world, a READY client per member and the outsider's, and the load. */
export interface LoadedWorld {
  readonly world: World;
  readonly clients: ResilientClient[];
  readonly outsider: ResilientClient;
  readonly load: Load;
}

/** On started nodes: a guild of six members and an outsider (made through the first node), their clients, and three members sending. */
export const startLoad = async (nodes: readonly ChaosNode[]): Promise<LoadedWorld> => {
  const world = await createWorld(nodes[0]!, 6);
  const { clients, outsider } = await startClients(nodes, world);
  const load = new Load(nodes, world.members.slice(0, 3), world.channelId);
  load.start();
  return { world, clients, outsider, load };
};

/**
 * Takes the load through a fault: each step runs, in order, with `load.phase` set to its key (so sends are tallied by
 * the phase they started in); the load is stopped afterwards, also when a step fails.
 */
export const runPhases = async (load: Load, steps: Record<string, () => Promise<void>>): Promise<void> => {
  try {
    for (const [phase, step] of Object.entries(steps)) {
      load.phase = phase;
      await step();
    }
  } finally {
    await load.stop();
  }
};

/** Closes every client of the run, the outsider's too. */
export const stopClients = (run: LoadedWorld): void => {
  for (const client of [...run.clients, run.outsider]) client.stop();
};

/** Rows of the outbox not yet published (the relay's backlog). */
export const outboxBacklog = async (): Promise<number> => {
  const sql = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Array<{ count: string }>>`SELECT count(*) AS count FROM outbox WHERE published_at IS NULL`;
    return Number(row?.count ?? 0);
  } finally {
    await sql.end({ timeout: 1 });
  }
};
