import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiClient, createGuild, generalOf } from "../support/guild";
import { type TestUser, identityEnv, registerUser } from "../support/identity";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const mode = modeNamed("postgres+redis");

/** An address no other test uses, so that per-IP buckets in the shared Redis start full. */
const uniqueIp = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

const wsUrl = (server: TestServer) => `${server.url.replace(/^http/, "ws")}/gateway`;

/** Opens a gateway socket as if from `ip` (TRUST_PROXY); resolves with it once open, rejects when refused. */
const openAs = (server: TestServer, ip: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    // Bun's WebSocket takes request headers as a second argument.
    const socket = new WebSocket(wsUrl(server), { headers: { "x-forwarded-for": ip } } as unknown as string[]);
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error("refused")), { once: true });
  });

/** The answer to an upgrade request from `ip`, for checking a refusal's status and headers. */
const upgradeAs = (server: TestServer, ip: string) =>
  fetch(`${server.url}/gateway`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
      "x-forwarded-for": ip,
    },
  });

describe("abuse: rate limits across two nodes (postgres+redis, RATE_LIMIT_SCALE=1)", () => {
  let nodes: [TestServer, TestServer];
  let user: TestUser;
  let channelId: string;
  beforeAll(async () => {
    const env = identityEnv(mode, { RATE_LIMIT_SCALE: "1", TRUST_PROXY: "true" });
    nodes = [await startServer(mode, { ...env, NODE_ID: "51" }), await startServer(mode, { ...env, NODE_ID: "52" })];
    user = await registerUser(nodes[0], { headers: { "x-forwarded-for": uniqueIp() } });
    const guild = await createGuild(apiClient(nodes[0]), user, "Limits");
    channelId = generalOf(guild).id;
  });
  afterAll(async () => {
    await startRedis().catch(() => undefined);
    await Promise.all(nodes.map((node) => node.stop()));
  });

  const sendOn = (node: TestServer, content: string, channel = channelId) =>
    node.request(`/api/v1/channels/${channel}/messages`, { method: "POST", token: user.access_token, json: { content } });

  test("logins from one IP share one bucket whichever node they hit: the 11th in a minute is refused", async () => {
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await nodes[i % 2]!.request("/api/v1/auth/login", {
        method: "POST",
        json: { login: user.username, password: "wrong password" },
        headers: { "x-forwarded-for": ip },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  test("one user sending through both nodes gets the shared 5 per 5 s, then 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await sendOn(nodes[i % 2]!, `shared ${i}`)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  test("while Redis is down the limits fall back to each node's own buckets: writes still work, floods are still refused", async () => {
    expect(redisControlAvailable()).toBe(true);
    const guild = await createGuild(apiClient(nodes[0]), user, "Limits during an outage");
    const channel = generalOf(guild).id;
    await stopRedis();
    try {
      await waitFor(async () => (await nodes[0].request("/ready")).status === 503, { what: "/ready to report Redis down" });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await sendOn(nodes[0], `during outage ${i}`, channel)).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    } finally {
      await startRedis();
    }
    await waitFor(async () => (await nodes[0].request("/ready")).status === 200, { timeoutMs: 15_000, what: "/ready to recover" });
  });
});

describe("abuse: gateway connection floods from one IP (TRUST_PROXY)", () => {
  let capped: TestServer;
  let rated: [TestServer, TestServer];
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    const env = identityEnv(mode, { RATE_LIMIT_SCALE: "1", TRUST_PROXY: "true" });
    capped = await startServer(mode, { ...env, NODE_ID: "53", GATEWAY_MAX_CONNECTIONS_PER_IP: "3", GATEWAY_CONNECTS_PER_IP_PER_MINUTE: "1000" });
    const ratedEnv = { ...env, GATEWAY_MAX_CONNECTIONS_PER_IP: "100", GATEWAY_CONNECTS_PER_IP_PER_MINUTE: "5" };
    rated = [await startServer(mode, { ...ratedEnv, NODE_ID: "54" }), await startServer(mode, { ...ratedEnv, NODE_ID: "55" })];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([capped, ...rated].map((node) => node.stop()));
  });

  test("concurrent connections per IP are capped: the 4th is refused with 429 before the upgrade, other IPs are not affected", async () => {
    const flooder = uniqueIp();
    for (let i = 0; i < 3; i++) sockets.push(await openAs(capped, flooder));
    const refused = await upgradeAs(capped, flooder);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 0, message: expect.any(String) });
    await expect(openAs(capped, flooder)).rejects.toThrow("refused");
    sockets.push(await openAs(capped, uniqueIp()));
    // Closing one frees its place.
    sockets.shift()!.close();
    sockets.push(await waitFor(() => openAs(capped, flooder).catch(() => undefined), { what: "a freed place for the flooding IP" }));
  });

  test("connects per IP per minute are limited across the cluster: the 6th, on either node, gets 429 with Retry-After", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++) (await openAs(rated[i % 2]!, ip)).close();
    for (const node of rated) {
      const refused = await upgradeAs(node, ip);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    sockets.push(await openAs(rated[0], uniqueIp()));
  });
});
