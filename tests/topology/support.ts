/**
 * What the topology scenarios share: clients that know only HAProxy's address (REST senders that retry what a
 * client library retries, gateway clients that heartbeat, notice a dead connection and RESUME), and the checks every
 * scenario ends with (every 2xx message in history, delivered exactly once and in order to every allowed session).
 */
import { expect } from "bun:test";
import type { Topology, TopologyNode } from "../../scripts/support/topology";
import { remoteServer } from "../chaos/chaos-support";
import { type GuildBody, apiClient, createGuild, generalOf, joinAll } from "../support/guild";
import { type TestUser, registerUser } from "../support/identity";
import { waitFor } from "../support/server";

export const HEARTBEAT_INTERVAL_MS = 2_000;
/** How long a gateway client waits for the upgrade and HELLO before it gives the attempt up. */
const HANDSHAKE_TIMEOUT_MS = 5_000;

/** Node settings for the scenarios: short heartbeats so dead connections show quickly, limits out of the way. */
export const TOPOLOGY_NODE_ENV: Record<string, string> = {
  GATEWAY_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS),
  PRESENCE_OFFLINE_GRACE_MS: "1000",
  REDIS_COMMAND_TIMEOUT_MS: "1500",
  RATE_LIMIT_SCALE: "1000",
  GATEWAY_CONNECTS_PER_IP_PER_MINUTE: "100000",
  GATEWAY_MAX_CONNECTIONS_PER_IP: "100000",
};

export interface World {
  readonly owner: TestUser;
  readonly members: TestUser[];
  readonly outsider: TestUser;
  readonly guild: GuildBody;
  readonly channelId: string;
}

/** Answers a client library retries: 503 and 429 with Retry-After. */
const retryableAnswer = (response: Response): boolean => (response.status === 503 || response.status === 429) && response.headers.has("retry-after");

/** How often the world's setup and history reads were answered 503/429 with Retry-After and retried (reported). */
export const setupRetries = { count: 0, answers: new Map<string, number>() };

/**
 * The balancer as a client library sees it: a request answered 503 or 429 with Retry-After is sent again after that
 * long (capped at 1 s, at most 20 times). A statement on a pooled connection that a PgBouncer restart broke answers
 * 503 once, and the client retries.
 */
const clientServer = (url: string) => {
  const server = remoteServer(url);
  const request = server.request.bind(server);
  return Object.assign(server, {
    async request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response> {
      for (let attempt = 1; ; attempt++) {
        const response = await request(path, init);
        if (!retryableAnswer(response) || attempt === 20) return response;
        setupRetries.count++;
        const answer = `${init?.method ?? "GET"} ${path.replace(/\d{6,}/g, ":id")} ${response.status} ${(await response.text()).slice(0, 80)}`;
        setupRetries.answers.set(answer, (setupRetries.answers.get(answer) ?? 0) + 1);
        await Bun.sleep(Math.min(Number(response.headers.get("retry-after")) * 1000, 1_000)); // the client's backoff
      }
    },
  });
};

/** A guild with `memberCount` members and one outsider, made through the balancer. */
export const createWorld = async (url: string, memberCount: number): Promise<World> => {
  const server = clientServer(url);
  const api = apiClient(server);
  const users = await Promise.all(Array.from({ length: memberCount + 2 }, () => registerUser(server)));
  const [owner, outsider, ...members] = users as [TestUser, TestUser, ...TestUser[]];
  const guild = await createGuild(api, owner, "Topology");
  await joinAll(api, owner, guild, members);
  return { owner, members, outsider, guild, channelId: generalOf(guild).id };
};

/**
 * A gateway client as a Discord library is one: heartbeats every interval and, when the previous heartbeat was not
 * acknowledged by then, treats the connection as dead; after any drop it reconnects (to the balancer, the only
 * address it knows) and RESUMEs. It records every MESSAGE_CREATE in arrival order and how long each outage lasted.
 */
export class GatewayClient {
  sessionId: string | undefined;
  seq = 0;
  readonly received: string[] = [];
  readonly counts = new Map<string, number>();
  readonly sessions: string[] = [];
  readonly gaps: Array<{ expected: number; got: number }> = [];
  invalidSessions = 0;
  resumes = 0;
  /** Milliseconds from each drop to the RESUMED that ended it. */
  readonly waits: number[] = [];
  open = false;
  private socket: WebSocket | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private droppedAt: number | undefined;
  private stopped = false;
  private failures = 0;
  private readyWaiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly user: TestUser,
    private readonly url: string,
  ) {}

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

  private drop(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.open = false;
    clearInterval(this.heartbeat);
    this.droppedAt ??= Date.now();
    try {
      socket.close(4000);
    } catch {
      // already closed
    }
    if (this.stopped) return;
    this.failures++;
    setTimeout(() => this.connect(), Math.min(100 * 2 ** Math.min(this.failures - 1, 4), 1_000));
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(`${this.url.replace(/^http/, "ws")}/gateway`);
    this.socket = socket;
    // An upgrade or HELLO that does not come is a dead attempt, as any library's handshake timeout has it.
    const handshake = setTimeout(() => this.drop(socket), HANDSHAKE_TIMEOUT_MS);
    socket.addEventListener("message", () => clearTimeout(handshake), { once: true });
    socket.addEventListener("close", () => clearTimeout(handshake));
    socket.addEventListener("open", () => void (this.open = true));
    socket.addEventListener("message", (message) => this.onFrame(socket, JSON.parse(String(message.data))));
    socket.addEventListener("close", () => this.drop(socket));
    socket.addEventListener("error", () => this.drop(socket));
  }

  private onFrame(socket: WebSocket, frame: { op: number; d: any; s: number | null; t: string | null }): void {
    if (this.socket !== socket) return;
    const send = (payload: unknown) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(payload));
    switch (frame.op) {
      case 10: {
        let acknowledged = true;
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => {
          if (!acknowledged) return this.drop(socket); // a zombie connection: the gateway docs say reconnect
          acknowledged = false;
          send({ op: 1, d: this.seq });
        }, frame.d.heartbeat_interval);
        socket.addEventListener("message", (message) => {
          if (JSON.parse(String(message.data)).op === 11) acknowledged = true;
        });
        if (this.sessionId) send({ op: 6, d: { token: this.user.access_token, session_id: this.sessionId, seq: this.seq } });
        else send({ op: 2, d: { token: this.user.access_token, properties: { os: "linux", browser: "xcord-topology", device: "xcord-topology" } } });
        return;
      }
      case 7:
        return this.drop(socket);
      case 9:
        this.invalidSessions++;
        this.sessionId = undefined;
        this.seq = 0;
        return this.drop(socket);
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
          if (frame.t === "RESUMED") this.resumes++;
          if (this.droppedAt !== undefined) this.waits.push(Date.now() - this.droppedAt);
          this.droppedAt = undefined;
          for (const resolve of this.readyWaiters.splice(0)) resolve();
        }
        if (frame.t === "MESSAGE_CREATE") {
          this.received.push(frame.d.id);
          this.counts.set(frame.d.id, (this.counts.get(frame.d.id) ?? 0) + 1);
        }
      }
    }
  }
}

/** How a send ended, when it did not end 2xx at once. */
export interface Attempt {
  readonly status: number;
  readonly retryAfter: string | null;
}

/**
 * Senders posting through the balancer, each message with its own nonce and `enforce_nonce` (so a retry cannot
 * make a second message). A client retries: 503 and 429 with Retry-After (after that many seconds, capped at 1 s
 * here), a connection refused or closed before any answer, and, because the nonce makes it safe, 502 and 504 (the
 * balancer lost the node mid-request). Every other answer is a failure a client would not retry, recorded as such.
 * Retries are counted by answer ("0 ECONNRESET" for a connection error) for the scenarios to check and report.
 */
export class Senders {
  /** Per sender, the ids of its 2xx messages in the order it sent them. */
  readonly sent: string[][];
  readonly retried = new Map<string, number>();
  readonly unretryable: Array<{ status: number; body: string }> = [];
  /** Longest time from a message's first attempt to its 2xx. */
  longestSendMs = 0;
  /** When each retried answer came, by answer, with the start of its body, for the checks on a window of the scenario. */
  private readonly retriedAt: Array<{ at: number; key: string; body: string }> = [];
  /** Each 2xx message's first attempt and its 2xx, in milliseconds since the epoch. */
  private readonly accepted: Array<{ started: number; done: number }> = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly senders: readonly TestUser[],
    private readonly channelId: string,
    private readonly paceMs = 100,
  ) {
    this.sent = senders.map(() => []);
  }

  get total(): number {
    return this.sent.reduce((sum, ids) => sum + ids.length, 0);
  }

  get allIds(): string[] {
    return this.sent.flat();
  }

  start(): void {
    this.loops = this.senders.map((sender, index) => this.run(sender, index));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Resolves once `count` more messages were answered 2xx. */
  async waitForSends(count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const target = this.total + count;
    await waitFor(() => this.total >= target, { timeoutMs, intervalMs: 50, what });
  }

  /** Attempts answered at or after `since` (ms since the epoch), whose body contains `saying`, that were retried, by answer. */
  retriesSince(since: number, saying = ""): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { at, key, body } of this.retriedAt) if (at >= since && body.includes(saying)) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }

  /** The longest wait for a 2xx counted from `since` (or from the message's first attempt, if later). */
  longestWaitSince(since: number): number {
    return Math.max(0, ...this.accepted.filter(({ done }) => done >= since).map(({ started, done }) => done - Math.max(started, since)));
  }

  /** Resolves once `count` more attempts were answered with `status` (then retried). */
  async waitForRetries(status: number, count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const counted = () => [...this.retried].filter(([key]) => key.startsWith(`${status}`)).reduce((sum, [, n]) => sum + n, 0);
    const target = counted() + count;
    await waitFor(() => counted() >= target, { timeoutMs, intervalMs: 50, what });
  }

  private async run(sender: TestUser, index: number): Promise<void> {
    for (let n = 1; !this.stopped; n++) {
      const nonce = `${index}-${n}-${crypto.randomUUID().slice(0, 8)}`;
      const body = JSON.stringify({ content: `sender ${index} message ${n}`, nonce, enforce_nonce: true });
      const started = Date.now();
      // A message once tried is tried until it is answered 2xx (or found unretryable): bounded by the scenario.
      for (let attempt = 0; ; attempt++) {
        if (Date.now() - started > 60_000) throw new Error(`sender ${index}: message ${n} not accepted within 60 s`);
        let status = 0;
        let retryAfter: string | null = null;
        let text = "";
        let failure = "";
        try {
          const response = await fetch(`${this.url}/api/v1/channels/${this.channelId}/messages`, {
            method: "POST",
            headers: { authorization: `Bearer ${sender.access_token}`, "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(20_000),
          });
          status = response.status;
          retryAfter = response.headers.get("retry-after");
          text = await response.text();
        } catch (error) {
          status = 0;
          failure = ` ${(error as { code?: string }).code ?? (error as Error).name}`;
        }
        if (status >= 200 && status < 300) {
          this.sent[index]!.push((JSON.parse(text) as { id: string }).id);
          const done = Date.now();
          this.longestSendMs = Math.max(this.longestSendMs, done - started);
          this.accepted.push({ started, done });
          break;
        }
        const retryable = ((status === 503 || status === 429) && retryAfter !== null) || status === 502 || status === 504 || status === 0;
        if (!retryable) {
          this.unretryable.push({ status, body: text.slice(0, 300) });
          break;
        }
        const key = `${status}${retryAfter !== null ? "+Retry-After" : ""}${failure}`;
        this.retried.set(key, (this.retried.get(key) ?? 0) + 1);
        this.retriedAt.push({ at: Date.now(), key, body: text.slice(0, 100) });
        await Bun.sleep(Math.min(Number(retryAfter ?? "0.1") * 1000, 1_000) || 100); // the client's backoff, not synchronisation
      }
      await Bun.sleep(this.paceMs); // pacing the load, not synchronisation
    }
  }
}

/** Every message id in the channel's history, through the balancer. */
export const historyIds = async (url: string, reader: TestUser, channelId: string): Promise<Set<string>> => {
  const api = apiClient(clientServer(url));
  const ids = new Set<string>();
  let before = "";
  for (;;) {
    const reply = await api.get<Array<{ id: string }>>(`/channels/${channelId}/messages?limit=100${before ? `&before=${before}` : ""}`, reader);
    if (reply.status !== 200) throw new Error(`history: ${reply.status} ${JSON.stringify(reply.body)}`);
    for (const message of reply.body) ids.add(message.id);
    if (reply.body.length < 100) return ids;
    before = reply.body.at(-1)!.id;
  }
};

/** The node's xcord_gateway_sessions gauge, read on its own address (NaN when it does not answer). */
export const sessionsOn = async (node: TopologyNode): Promise<number> => {
  try {
    const text = await (await fetch(`${node.url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
    const line = text.split("\n").find((l) => l.startsWith("xcord_gateway_sessions "));
    return Number(line?.split(" ")[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
};

/** Each node's state in HAProxy's own view ("UP", "DOWN", ...). */
export const balancerView = async (topology: Topology): Promise<Record<string, string>> => {
  const csv = await (await fetch(`${topology.statsUrl}/stats;csv`, { signal: AbortSignal.timeout(2_000) })).text();
  const rows = csv.split("\n").filter((line) => line.startsWith("xcord_nodes,xcord-"));
  return Object.fromEntries(rows.map((row) => [row.split(",")[1]!, row.split(",")[17]!]));
};

/** Resolves once HAProxy sees every node in `state`. */
export const waitBalancer = async (topology: Topology, state: "UP" | "DOWN", names: readonly string[], timeoutMs = 20_000) => {
  let last: Record<string, string> = {};
  await waitFor(
    async () => {
      last = await balancerView(topology).catch(() => ({}));
      return names.every((name) => last[name]?.startsWith(state));
    },
    { timeoutMs, intervalMs: 100, what: `HAProxy to see ${names.join(", ")} ${state}` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (last view: ${JSON.stringify(last)})`);
  });
};

/** A scenario's world, clients and load. */
export interface Run {
  readonly world: World;
  readonly clients: GatewayClient[];
  readonly outsider: GatewayClient;
  readonly senders: Senders;
}

/** A guild of `members` members, a client per member and the outsider's (all READY), and three members sending. */
export const startRun = async (topology: Topology, members = 8): Promise<Run> => {
  const world = await createWorld(topology.url, members);
  const clients = world.members.map((member, index) => new GatewayClient(`member ${index}`, member, topology.url));
  const outsider = new GatewayClient("outsider", world.outsider, topology.url);
  await Promise.all([...clients, outsider].map((client) => client.start()));
  const senders = new Senders(topology.url, world.members.slice(0, 3), world.channelId);
  senders.start();
  return { world, clients, outsider, senders };
};

/** The numbers a scenario reports. */
export interface Outcome {
  readonly messages: number;
  readonly deliveries: number;
  readonly resumes: number;
  readonly longestGatewayWaitMs: number;
  readonly longestSendMs: number;
}

/**
 * Once the load is stopped: every 2xx message is in history; every member's client received every one exactly once,
 * each sender's in the order it sent them, nothing else, in one gateway session (RESUME, never a re-IDENTIFY) with
 * a gapless sequence; the outsider got none; no request failed that a client would not retry; and the nodes hold
 * exactly the sockets the clients have open (no node still serves a session that moved away).
 */
export const checkOutcome = async (topology: Topology, run: Run): Promise<Outcome> => {
  const { world, clients, outsider, senders } = run;
  expect(senders.unretryable).toEqual([]);
  const sent = senders.allIds;
  expect(new Set(sent).size).toBe(sent.length);
  const history = await historyIds(topology.url, world.owner, world.channelId);
  expect(sent.filter((id) => !history.has(id))).toEqual([]);
  await waitFor(() => clients.every((client) => sent.every((id) => client.counts.has(id))), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: "every client to receive every message answered 2xx",
  }).catch((error: unknown) => {
    const report = clients.map((client) => `${client.name}: missing ${sent.filter((id) => !client.counts.has(id)).length}`);
    throw new Error(`${String(error)}\n${report.join("\n")}`);
  });
  const sentSet = new Set(sent);
  for (const client of clients) {
    const duplicates = [...client.counts].filter(([, count]) => count > 1);
    const extra = client.received.filter((id) => !sentSet.has(id));
    const outOfOrder = senders.sent.filter((ids) => {
      const mine = new Set(ids);
      const seen = client.received.filter((id) => mine.has(id));
      return JSON.stringify(seen) !== JSON.stringify(ids);
    }).length;
    expect({ client: client.name, duplicates, extra, outOfOrder, sessions: client.sessions.length, invalid: client.invalidSessions, gaps: client.gaps }).toEqual({
      client: client.name,
      duplicates: [],
      extra: [],
      outOfOrder: 0,
      sessions: 1,
      invalid: 0,
      gaps: [],
    });
  }
  expect(outsider.counts.size).toBe(0);
  const everyone = [...clients, outsider];
  const running = topology.nodes.filter((node) => node.running());
  let held: number[] = [];
  await waitFor(
    async () => {
      held = await Promise.all(running.map(sessionsOn));
      const open = everyone.filter((client) => client.open).length;
      return open === everyone.length && held.reduce((a, b) => a + b, 0) === open;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: "the nodes' gateway sessions to equal the clients' open sockets" },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (nodes hold ${held.join("+")}, clients open ${everyone.filter((c) => c.open).length}/${everyone.length})`);
  });
  return {
    messages: sent.length,
    deliveries: sent.length * clients.length,
    resumes: everyone.reduce((sum, client) => sum + client.resumes, 0),
    longestGatewayWaitMs: Math.max(0, ...everyone.flatMap((client) => client.waits)),
    longestSendMs: senders.longestSendMs,
  };
};

/** One line of numbers for the test output (and the issue's closing note). */
export const report = (scenario: string, outcome: Outcome, senders: Senders, extra = ""): void => {
  const line = (
    `[topology] ${scenario}: ${outcome.messages} messages sent (2xx), ${outcome.deliveries} deliveries checked, ` +
      `${outcome.resumes} resumes, longest client wait ${outcome.longestGatewayWaitMs} ms (gateway) / ${outcome.longestSendMs} ms (send); ` +
      `sends retried ${JSON.stringify(Object.fromEntries(senders.retried))}, setup and history requests retried ${setupRetries.count}` +
      `${setupRetries.count > 0 ? ` ${JSON.stringify(Object.fromEntries(setupRetries.answers))}` : ""}` +
      `${extra ? `; ${extra}` : ""}`
  );
  console.log(line);
  setupRetries.count = 0;
  setupRetries.answers.clear();
};

/** Stops the load (also when a step failed) after running the steps in order. */
export const underLoad = async (run: Run, steps: Array<() => Promise<void>>): Promise<void> => {
  try {
    for (const step of steps) await step();
  } finally {
    await run.senders.stop();
  }
};

/** Each client's state, for a failure message. */
export const clientStates = (run: Run): string =>
  [...run.clients, run.outsider]
    .map((c) => `${c.name}: open ${c.open}, resumes ${c.resumes}, sessions ${c.sessions.length}, invalid ${c.invalidSessions}, waits ${c.waits.join("/")}`)
    .join("\n");

export const stopClients = (run: Run): void => {
  for (const client of [...run.clients, run.outsider]) client.stop();
};
