import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { spawnNode } from "../support/process";
import { waitFor } from "../support/server";

/** A port free right now on loopback; workers must all bind the same one, so 0 will not do. */
const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

describe("cluster mode (WORKERS=2 bun run start)", () => {
  test("runs two nodes on one port, both serving, and stops them all on SIGTERM", async () => {
    const port = await freePort();
    const node = await spawnNode({
      WORKERS: "2",
      NODE_ID: "10",
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL ?? "",
      REDIS_URL: process.env.REDIS_URL ?? "",
    });
    const listening = await waitFor(
      () => {
        const nodes = node.lines.filter((line) => line.msg === "xcord listening").map((line) => line.node);
        return nodes.length === 2 && nodes;
      },
      { timeoutMs: 20_000, what: "both workers to listen" },
    );
    expect([...listening].sort()).toEqual([10, 11]);
    // New connections are spread by the kernel; fifty of them all landing on one worker is a 2^-49 chance.
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: "close" } });
      expect(response.status).toBe(200);
    }
    const served = await waitFor(
      () => {
        const nodes = new Set(node.lines.filter((line) => line.route === "/health").map((line) => line.node));
        return nodes.size === 2 && nodes;
      },
      { what: "requests logged by both workers" },
    );
    expect([...served].sort()).toEqual([10, 11]);
    expect(await node.stop("SIGTERM")).toBe(0);
    expect(node.lines.filter((line) => line.msg === "stopped")).toHaveLength(2);
  }, 40_000);
});
