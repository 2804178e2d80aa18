import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { type TestUser, identityEnv, logIn, meStatus, registerUser } from "../support/identity";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const mode = modeNamed("postgres+redis");

describe("revocation while Redis is down (two nodes)", () => {
  let nodes: [TestServer, TestServer];
  let user: TestUser;
  beforeAll(async () => {
    nodes = [await startServer(mode, identityEnv(mode, { NODE_ID: "56" })), await startServer(mode, identityEnv(mode, { NODE_ID: "57" }))];
    user = await registerUser(nodes[0]);
  });
  afterAll(async () => {
    await startRedis().catch(() => undefined);
    await Promise.all(nodes.map((node) => node.stop()));
  });

  test("a logout during the outage holds on every node, and still holds after Redis comes back empty", async () => {
    expect(redisControlAvailable()).toBe(true);
    const loggedOut = await logIn(nodes[0], user.username, user.password);
    const staying = await logIn(nodes[0], user.username, user.password);
    const revokedBefore = await logIn(nodes[0], user.username, user.password);
    expect((await nodes[1].request("/api/v1/auth/logout", { method: "POST", token: revokedBefore.access_token })).status).toBe(204);

    // A Redis without persistence: it comes back with none of its revocation keys.
    await stopRedis();
    await waitFor(async () => (await nodes[1].request("/ready")).status === 503, { what: "/ready to report Redis down" });
    // Logging out still works, and takes effect on the other node at once (PostgreSQL answers the check).
    expect((await nodes[0].request("/api/v1/auth/logout", { method: "POST", token: loggedOut.access_token })).status).toBe(204);
    expect(await meStatus(nodes[1], loggedOut.access_token)).toBe(401);
    expect(await meStatus(nodes[1], revokedBefore.access_token)).toBe(401);
    expect(await meStatus(nodes[1], staying.access_token)).toBe(200);

    await startRedis();
    await waitFor(async () => (await nodes[1].request("/ready")).status === 200, { timeoutMs: 15_000, what: "/ready to recover" });
    for (const node of nodes) {
      expect(await meStatus(node, loggedOut.access_token)).toBe(401);
      expect(await meStatus(node, revokedBefore.access_token)).toBe(401);
      expect(await meStatus(node, staying.access_token)).toBe(200);
    }
    // The nodes told the empty Redis again about both revocations.
    const sessionOf = (token: string) => (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    const redis = new Redis(process.env.REDIS_URL ?? "", { lazyConnect: true });
    try {
      const wanted = [loggedOut, revokedBefore].map((grant) => `revoked-session:${sessionOf(grant.access_token)}`);
      await waitFor(async () => (await redis.exists(...wanted)) === wanted.length, {
        timeoutMs: 10_000,
        what: "both revocations to be written to Redis again",
      });
      expect(await redis.exists(`revoked-session:${sessionOf(staying.access_token)}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
