import { describe, expect, test } from "bun:test";
import type { RateLimitDecision, RateLimiter } from "../../src/shared/kernel/ports";
import { MemoryPubSub } from "../../src/shared/infrastructure/memory/memory-pub-sub";
import { watchEventBus } from "../../src/shared/gateway/bus-health";
import { type CountedConnection, createConnectionAdmission, type GatewayConnectionLimits, type Refusal } from "../../src/shared/gateway/connection-admission";
import { decodeFrame } from "../../src/shared/gateway/frame-codec";
import { createFrameHandler } from "../../src/shared/gateway/frame-handler";
import type { HandlerDeps } from "../../src/shared/gateway/gateway-handlers";
import { CloseCode, FRAME_LIMIT, MAX_FRAME_BYTES, Op } from "../../src/shared/gateway/gateway-protocol";
import { GatewaySession } from "../../src/shared/gateway/gateway-session";
import { createSessionRegistry } from "../../src/shared/gateway/session-registry";
import { closeStaleSessions } from "../../src/shared/gateway/session-sweeper";
import { createSessionTakeover } from "../../src/shared/gateway/session-takeover";

/** A session on a socket that records what it is sent and how it is closed. */
const recordedSession = (id = "s1", openedAt = 0) => {
  const sent: Array<Record<string, unknown>> = [];
  const closes: Array<[number, string]> = [];
  const socket = {
    sendText: (text: string) => (sent.push(JSON.parse(text) as Record<string, unknown>), text.length),
    getBufferedAmount: () => 0,
    close: (code: number, reason: string) => void closes.push([code, reason]),
  };
  const session = new GatewaySession(id, socket, { rules: new Map() as never, router: {} as never, resume: {} as never, onError: () => {} }, openedAt);
  return { session, sent, closes };
};

describe("frame codec: what a client frame must look like", () => {
  test("a JSON object with an integer op and the envelope's fields is a frame", () => {
    expect(decodeFrame('{"op":1,"d":null}')).toEqual({ op: 1, d: null });
    expect(decodeFrame('{"op":2,"d":{"token":"x"},"s":null,"t":null}') as unknown).toEqual({ op: 2, d: { token: "x" }, s: null, t: null });
  });

  test("anything else is a decode error", () => {
    for (const raw of [
      "",
      "not json",
      '{"op":1',
      ' {"op":1}', // text that does not open with the object
      '"{\\"op\\":1}"', // a JSON string spelling a frame
      "[1]",
      '{"d":null}',
      '{"op":1.5}',
      '{"op":"1"}',
      '{"op":1,"extra":true}',
    ]) {
      expect(decodeFrame(raw)).toBeUndefined();
    }
    expect(decodeFrame(Buffer.from('{"op":1}'))).toBeUndefined();
  });

  test("a frame larger than MAX_FRAME_BYTES once re-serialized is refused; whitespace does not count", () => {
    const fits = JSON.stringify({ op: 1, t: "x".repeat(MAX_FRAME_BYTES - 20) });
    expect(fits.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    const spaced = fits.replace(",", `${" ".repeat(20)},`);
    expect(spaced.length).toBeGreaterThan(MAX_FRAME_BYTES);
    expect(decodeFrame(spaced)).toBeDefined();
    expect(decodeFrame(JSON.stringify({ op: 1, t: "x".repeat(MAX_FRAME_BYTES) }))).toBeUndefined();
  });
});

describe("frame handler: which close code a refused frame gets", () => {
  const handler = () => createFrameHandler({ now: () => 0 } as Partial<HandlerDeps> as HandlerDeps);

  test("a heartbeat before IDENTIFY is answered with HEARTBEAT_ACK", async () => {
    const { session, sent, closes } = recordedSession();
    await handler()(session, '{"op":1,"d":null}');
    expect(sent).toEqual([{ op: Op.HeartbeatAck, d: null, s: null, t: null }]);
    expect(closes).toEqual([]);
  });

  test("undecodable: 4002; unknown opcode: 4001; a payload its opcode refuses: 4002", async () => {
    const cases: Array<[string, [number, string]]> = [
      ["{nope", [CloseCode.DecodeError, "Decode error"]],
      ['{"op":5,"d":null}', [CloseCode.UnknownOpcode, "Unknown opcode"]],
      ['{"op":1,"d":"soon"}', [CloseCode.DecodeError, "Invalid payload for op 1"]],
    ];
    for (const [raw, close] of cases) {
      const { session, closes } = recordedSession();
      await handler()(session, raw);
      expect(closes).toEqual([close]);
    }
  });

  test("an opcode of the wrong phase: 4003 before IDENTIFY, 4005 for a second IDENTIFY", async () => {
    const early = recordedSession();
    await handler()(early.session, '{"op":3,"d":{"status":"idle"}}');
    expect(early.closes).toEqual([[CloseCode.NotAuthenticated, "Not authenticated"]]);

    const twice = recordedSession();
    twice.session.authenticating = true; // the first IDENTIFY is being processed
    await handler()(twice.session, '{"op":2,"d":{"token":"t"}}');
    expect(twice.closes).toEqual([[CloseCode.AlreadyAuthenticated, "Already authenticated"]]);
  });

  test("the frame past FRAME_LIMIT in one window closes with 4008, before it is decoded", async () => {
    const { session, closes } = recordedSession();
    const handle = handler();
    for (let i = 0; i < FRAME_LIMIT.limit; i++) await handle(session, '{"op":1,"d":null}');
    expect(closes).toEqual([]);
    await handle(session, "{nope");
    expect(closes).toEqual([[CloseCode.RateLimited, "Rate limited"]]);
  });
});

describe("connection admission: sockets per IP and connects per minute", () => {
  const request = (ip: string) => new Request("http://node/gateway", { headers: { "x-forwarded-for": ip } });
  const connect = (ip: string | undefined, admittedAt: number): CountedConnection => ({ ip, admittedAt });
  const isRefusal = (admitted: CountedConnection | Refusal): admitted is Refusal => "status" in admitted;
  const limiter = (decide: (key: string) => Partial<RateLimitDecision>): RateLimiter & { keys: string[] } => {
    const keys: string[] = [];
    return {
      keys,
      consume: async (key) => (keys.push(key), { allowed: true, limit: 0, remaining: 0, resetAfterMs: 0, retryAfterMs: 0, ...decide(key) }),
      reset: async () => {},
    };
  };
  const limits = (overrides: Partial<GatewayConnectionLimits>): GatewayConnectionLimits => ({
    maxPerIp: 0,
    connectsPerMinute: 0,
    trustProxy: true,
    rateLimiter: limiter(() => ({})),
    ...overrides,
  });

  test("with no limits every upgrade is admitted and nothing is counted", async () => {
    const admission = createConnectionAdmission(undefined, () => 7);
    const admitted = await admission.admit(request("1.1.1.1"), null, connect);
    expect(admitted).toEqual({ ip: undefined, admittedAt: 7 });
  });

  test("an IP at its cap is refused with 429 until one of its connections is released", async () => {
    const admission = createConnectionAdmission(limits({ maxPerIp: 2 }), () => 0);
    const first = await admission.admit(request("1.1.1.1"), null, connect);
    const second = await admission.admit(request("1.1.1.1"), null, connect);
    expect(first).toEqual({ ip: "1.1.1.1", admittedAt: 0 });
    expect(await admission.admit(request("1.1.1.1"), null, connect)).toEqual({ status: 429, retryAfterS: 5, message: "Too many gateway connections from this address." });
    expect(isRefusal(await admission.admit(request("2.2.2.2"), null, connect))).toBe(false); // another IP has its own count

    admission.opened(first as CountedConnection);
    admission.release(first as CountedConnection);
    admission.release(first as CountedConnection); // once only
    expect(isRefusal(await admission.admit(request("1.1.1.1"), null, connect))).toBe(false);
    expect(isRefusal(await admission.admit(request("1.1.1.1"), null, connect))).toBe(true);
    expect(isRefusal(second)).toBe(false);
  });

  test("the IP is the socket peer's unless the proxy is trusted", async () => {
    const server = { requestIP: () => ({ address: "9.9.9.9" }) };
    const admission = createConnectionAdmission(limits({ maxPerIp: 1, trustProxy: false }), () => 0);
    expect(await admission.admit(request("1.1.1.1"), server, connect)).toEqual({ ip: "9.9.9.9", admittedAt: 0 });
    expect(isRefusal(await admission.admit(request("2.2.2.2"), server, connect))).toBe(true);
  });

  test("an upgrade that never opens stops counting after 10 s; opened late, it is not counted again", async () => {
    let t = 0;
    const admission = createConnectionAdmission(limits({ maxPerIp: 1 }), () => t);
    const stuck = (await admission.admit(request("1.1.1.1"), null, connect)) as CountedConnection;
    admission.expireReservations(10_000);
    expect(isRefusal(await admission.admit(request("1.1.1.1"), null, connect))).toBe(true);
    admission.expireReservations(10_001);
    expect(stuck.ip).toBeUndefined();
    t = 10_001;
    const next = (await admission.admit(request("1.1.1.1"), null, connect)) as CountedConnection;
    admission.opened(next);
    admission.opened(stuck);
    admission.release(stuck); // counted no more: the IP keeps its one live connection
    expect(isRefusal(await admission.admit(request("1.1.1.1"), null, connect))).toBe(true);
  });

  test("connecting faster than the shared rate limit allows is refused with its retry-after, rounded up", async () => {
    const rateLimiter = limiter(() => ({ allowed: false, retryAfterMs: 2_100 }));
    const admission = createConnectionAdmission(limits({ connectsPerMinute: 30, rateLimiter }), () => 0);
    expect(await admission.admit(request("1.1.1.1"), null, connect)).toEqual({ status: 429, retryAfterS: 3, message: "You are connecting too fast." });
    expect(rateLimiter.keys).toEqual(["rl:gateway-connect:ip:1.1.1.1"]);
  });
});

describe("session registry: supersede, revoke, reconnect", () => {
  const registryWith = (...sessions: GatewaySession[]) => {
    const forgotten: string[] = [];
    const registry = createSessionRegistry<string>({ forget: async (id) => void forgotten.push(id) });
    for (const session of sessions) registry.add(session, `connection of ${session.id}`);
    return { registry, forgotten };
  };

  test("a resumed session keeps its newest socket; the older ones close with 4000 and leave its state alone", () => {
    const older = recordedSession("s1");
    const newest = recordedSession("s1");
    const other = recordedSession("s2");
    const { registry } = registryWith(older.session, newest.session, other.session);
    registry.supersede("s1", newest.session);
    expect(older.closes).toEqual([[CloseCode.UnknownError, "Session resumed elsewhere"]]);
    expect(older.session.superseded).toBe(true);
    expect(newest.closes).toEqual([]);
    expect(other.closes).toEqual([]);
  });

  test("revoking an identity session closes its gateway sessions with 4004 and forgets their resume records", async () => {
    const a = recordedSession("a");
    const b = recordedSession("b");
    const unbound = recordedSession("c");
    a.session.viewer = { userId: "u", sessionId: "auth-1" };
    b.session.viewer = { userId: "u", sessionId: "auth-1" };
    unbound.session.viewer = { userId: "u", sessionId: "auth-1" };
    const { registry, forgotten } = registryWith(a.session, b.session, unbound.session);
    registry.bindAuthSession(a.session);
    registry.bindAuthSession(b.session);
    registry.bindAuthSession(unbound.session);
    registry.unbindAuthSession(unbound.session, "auth-1"); // it ended before the revocation
    await registry.revoke("auth-1");
    expect(forgotten).toEqual(["a", "b"]);
    expect(a.closes).toEqual([[CloseCode.AuthenticationFailed, "Session revoked"]]);
    expect(b.session.superseded).toBe(true);
    expect(unbound.closes).toEqual([]);
  });

  test("draining takes every session out, asks each client to reconnect, and hands back their connections", () => {
    const a = recordedSession("a");
    const { registry } = registryWith(a.session);
    expect(registry.drain()).toEqual([[a.session, "connection of a"]]);
    expect(registry.size).toBe(0);
    expect(registry.remove(a.session)).toBe(false); // its close handler will not end it again
    expect(a.sent.map((frame) => frame.op)).toEqual([Op.Reconnect]);
    expect(a.closes).toEqual([[CloseCode.UnknownError, "Reconnect"]]);
  });
});

describe("session takeover across nodes", () => {
  test("a resume closes the session's older sockets here and on the other nodes", async () => {
    const pubSub = new MemoryPubSub();
    const superseded = { here: [] as unknown[][], there: [] as unknown[][] };
    const onError = (error: unknown) => {
      throw error;
    };
    const here = createSessionTakeover(pubSub, { supersede: (...args) => void superseded.here.push(args) }, onError);
    const there = createSessionTakeover(pubSub, { supersede: (...args) => void superseded.there.push(args) }, onError);
    const resumed = recordedSession("s1").session;
    here.takeOver(resumed);
    await Promise.resolve();
    await Promise.resolve();
    expect(superseded.here).toEqual([["s1", resumed]]); // its own message is ignored
    expect(superseded.there).toEqual([["s1"]]);
    await here.stop();
    await there.stop();
  });
});

describe("bus health", () => {
  test("losing the bus asks every client to reconnect and refuses new ones until it is back", () => {
    let listener!: (connected: boolean) => void;
    let stopped = false;
    const pubSub = { onConnectionChange: (l: (connected: boolean) => void) => ((listener = l), () => void (stopped = true)) };
    const logged: string[] = [];
    const logger = { info: (message: string) => logged.push(message), warn: (_: unknown, message: string) => logged.push(message) };
    let reconnects = 0;
    const bus = watchEventBus(pubSub as never, logger as never, { size: 3, reconnectAll: () => reconnects++ });
    expect(bus.isUp()).toBe(true);
    listener(true);
    expect(logged).toEqual([]); // it was up already
    listener(false);
    expect(bus.isUp()).toBe(false);
    expect(reconnects).toBe(1);
    listener(true);
    expect(bus.isUp()).toBe(true);
    expect(logged).toEqual(["gateway: event bus lost; asking every client to reconnect and resume", "gateway: event bus back; accepting connections"]);
    bus.stop();
    expect(stopped).toBe(true);
  });
});

describe("session sweeper", () => {
  const timeouts = { heartbeatIntervalMs: 1_000, identifyTimeoutMs: 500 };

  test("a session that has not identified in time closes with 4003, one that stopped heartbeating with 4009", () => {
    const silent = recordedSession("silent");
    const identifying = recordedSession("identifying");
    identifying.session.authenticating = true;
    const stale = recordedSession("stale");
    stale.session.viewer = { userId: "u", sessionId: "a" };
    const alive = recordedSession("alive");
    alive.session.viewer = { userId: "u", sessionId: "a" };
    alive.session.lastHeartbeatAt = 1_000;

    closeStaleSessions([silent.session, identifying.session, stale.session, alive.session], 501, timeouts);
    expect(silent.closes).toEqual([[CloseCode.NotAuthenticated, "Not authenticated"]]);
    expect(identifying.closes).toEqual([]);
    expect(stale.closes).toEqual([]);

    closeStaleSessions([stale.session, alive.session], 1_501, timeouts);
    expect(stale.closes).toEqual([[CloseCode.SessionTimedOut, "Session timed out"]]);
    expect(alive.closes).toEqual([]);
  });
});

describe("IDENTIFY when READY cannot be built", () => {
  test("the failure reaches the frame's handler (which closes with 4000) and no READY goes out", async () => {
    const { session, sent } = recordedSession();
    const unavailable = new Error("the database system is shutting down");
    const handle = createFrameHandler({
      now: () => 0,
      authenticate: async () => ({ userId: "1", sessionId: "a" }),
      contributors: [async () => ({ guilds: [] }), async () => Promise.reject(unavailable)],
      bindAuthSession: () => {},
      presence: { connected: async () => {} } as unknown as HandlerDeps["presence"],
    } as Partial<HandlerDeps> as HandlerDeps);
    await expect(handle(session, '{"op":2,"d":{"token":"t","properties":{}}}')).rejects.toBe(unavailable);
    expect(sent.filter((frame) => frame.t === "READY")).toEqual([]);
  });
});
