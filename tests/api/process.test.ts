import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnNode } from "../support/process";

describe("the node process (bun run start)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "xcord-data-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test("starts in zero-setup mode, serves, and exits 0 on SIGTERM after closing PGlite", async () => {
    const node = await spawnNode({ DATA_DIR: dataDir });
    const health = await fetch(`${node.url}/health`);
    expect(health.status).toBe(200);
    const ready = (await (await fetch(`${node.url}/ready`)).json()) as { checks: Record<string, { status: string }> };
    expect(ready.checks.database?.status).toBe("up");
    expect(ready.checks.redis?.status).toBe("memory");
    expect(await node.stop("SIGTERM")).toBe(0);
    expect(node.lines.some((line) => line.msg === "stopped")).toBe(true);
  }, 30_000);

  test("keeps its embedded data across restarts and stops on SIGINT too", async () => {
    const node = await spawnNode({ DATA_DIR: dataDir });
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
    expect(await node.stop("SIGINT")).toBe(0);
  }, 30_000);

  test("runs on PostgreSQL and Redis when configured", async () => {
    const node = await spawnNode({ DATABASE_URL: process.env.DATABASE_URL ?? "", REDIS_URL: process.env.REDIS_URL ?? "" });
    const ready = (await (await fetch(`${node.url}/ready`)).json()) as { checks: Record<string, { status: string }> };
    expect(ready.checks.database?.status).toBe("up");
    expect(ready.checks.redis?.status).toBe("up");
    expect(await node.stop("SIGTERM")).toBe(0);
  }, 30_000);
});
