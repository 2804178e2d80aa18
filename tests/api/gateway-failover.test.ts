import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectGateway, identify } from "../support/gateway";
import { type TestUser, identityEnv, jwtKeyFiles, registerUser } from "../support/identity";
import { type NodeProcess, spawnNode } from "../support/process";
import { type TestServer, modeNamed, startServer } from "../support/server";

const mode = modeNamed("postgres+redis");

describe("gateway failover (postgres+redis)", () => {
  let survivor: TestServer;
  let doomed: NodeProcess;
  beforeAll(async () => {
    survivor = await startServer(mode, identityEnv(mode, { NODE_ID: "21" }));
    const keys = jwtKeyFiles();
    doomed = await spawnNode({
      NODE_ID: "22",
      DATABASE_URL: process.env.DATABASE_URL ?? "",
      REDIS_URL: process.env.REDIS_URL ?? "",
      JWT_PRIVATE_KEY_FILE: keys.privateKey,
      JWT_PUBLIC_KEY_FILE: keys.publicKey,
      RATE_LIMIT_SCALE: "1000",
    });
  });
  afterAll(async () => {
    doomed.process.kill("SIGKILL");
    await survivor.stop();
  });

  const rename = (user: TestUser, name: string) =>
    survivor.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { display_name: name } });

  test("clients of a node killed with SIGKILL resume on another node and miss nothing that was committed, once each", async () => {
    const user = await registerUser(survivor);
    const { client, ready } = await identify(doomed.url, user.access_token);
    expect((await rename(user, "Before the crash")).status).toBe(200);
    const last = await client.dispatch("USER_UPDATE");

    doomed.process.kill("SIGKILL");
    await client.closed();
    const committed = ["While down 1", "While down 2", "While down 3"];
    for (const name of committed) expect((await rename(user, name)).status).toBe(200);

    const resumed = await connectGateway(survivor.url);
    resumed.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: last.s } });
    await resumed.dispatch("RESUMED");
    // Events still in the relay when RESUMED went out arrive live right after it.
    await resumed.dispatch("USER_UPDATE", (d) => d.display_name === committed.at(-1));
    const updates = resumed.dispatches("USER_UPDATE");
    expect(updates.map((frame) => frame.d.display_name)).toEqual(committed);
    // Every dispatch since the resume, RESUMED included, continues the sequence without a gap.
    const sequence = resumed.dispatches().map((frame) => frame.s);
    expect(sequence).toEqual(sequence.map((_, index) => last.s! + 1 + index));
    resumed.close();
  }, 30_000);
});
