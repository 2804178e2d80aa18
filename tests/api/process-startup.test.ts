import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NodeProcess, runNodeToExit, spawnNode } from "../support/process";
import { waitFor } from "../support/server";

const START_TIMEOUT_MS = 60_000;

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

const register = async (node: NodeProcess, username: string) =>
  fetch(`${node.url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.test`, password: "a long enough password" }),
  });

const logIn = async (node: NodeProcess, username: string) =>
  fetch(`${node.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login: username, password: "a long enough password" }),
  });

describe("starting a node (bun run start)", () => {
  const root = mkdtempSync(join(tmpdir(), "xcord-start-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test(
    "one process owns a DATA_DIR: a second exits 1 with one line naming the first, and nothing is lost",
    async () => {
      const dataDir = join(root, "shared");
      const first = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
      try {
        expect((await register(first, "first_owner")).status).toBe(201);

        const second = await runNodeToExit({ DATA_DIR: dataDir });
        expect(second.code).toBe(1);
        expect(lines(second.stderr)).toHaveLength(1);
        expect(second.stderr).toContain(`DATA_DIR: ${dataDir} is in use by XCord process ${first.process.pid}`);
        expect(second.stderr).toContain(`port ${new URL(first.url).port}`);

        // The first node is undisturbed and still has its account.
        expect((await logIn(first, "first_owner")).status).toBe(200);
        expect((await register(first, "first_second")).status).toBe(201);
      } finally {
        expect(await first.stop("SIGTERM")).toBe(0);
      }

      const again = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
      try {
        expect((await logIn(again, "first_owner")).status).toBe(200);
        expect((await logIn(again, "first_second")).status).toBe(200);
      } finally {
        expect(await again.stop("SIGTERM")).toBe(0);
      }
    },
    3 * START_TIMEOUT_MS,
  );

  test("a node killed with SIGKILL leaves no lock behind: the next start owns the directory", async () => {
    const dataDir = join(root, "killed");
    const victim = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
    await victim.stop("SIGKILL");
    const next = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
    expect(await next.stop("SIGTERM")).toBe(0);
  }, 3 * START_TIMEOUT_MS);

  test("a busy port: exit 1 with one line, and DATA_DIR is never created", async () => {
    const holder = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    try {
      const dataDir = join(root, "never-created");
      const result = await runNodeToExit({ DATA_DIR: dataDir, PORT: String(holder.port) });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        `config: PORT: ${holder.port} on 127.0.0.1 is already in use by another process; stop it or set PORT to a free port`,
      ]);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      holder.stop(true);
    }
  }, START_TIMEOUT_MS);

  const unwritable = () => {
    // root may write anywhere a mode bit forbids, but nobody can create files in procfs.
    if (process.getuid?.() === 0) return "/proc/self/fdinfo";
    const dir = join(root, "read-only");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o500);
    return dir;
  };

  test.each([
    ["a file", () => {
      const file = join(root, "a-file");
      writeFileSync(file, "not a directory");
      return file;
    }, "is not a directory"],
    ["a missing parent", () => join(root, "no-such-parent", "data"), "does not exist and neither does its parent"],
    ["not writable", unwritable, "is not writable"],
  ])("DATA_DIR that is %s: exit 1 with one line naming it", async (_what, makeDir, reason) => {
    const dataDir = makeDir();
    const result = await runNodeToExit({ DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toStartWith(`config: DATA_DIR: ${dataDir}`);
    expect(result.stderr).toContain(reason);
  }, START_TIMEOUT_MS);

  test(
    "a person sees one human ready line; the JWT key is announced only when generated",
    async () => {
      const dataDir = join(root, "fresh");
      const first = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
      const ready = await waitFor(() => lines(first.stderr()).find((line) => line.startsWith("XCord ready")), { what: "the ready line" });
      expect(ready).toContain(first.url);
      expect(ready).toContain(`embedded PGlite in ${dataDir}`);
      expect(ready).toContain(`${first.url}/swagger`);
      expect(ready).toContain(`${first.url.replace("http", "ws")}/gateway`);
      expect(first.lines.filter((line) => line.msg === "JWT signing keys generated (kept for later starts)")).toHaveLength(1);
      // Logs stay JSON on a pipe: every stdout line parsed.
      expect(first.lines.length).toBeGreaterThan(0);
      expect(await first.stop("SIGTERM")).toBe(0);

      const second = await spawnNode({ DATA_DIR: dataDir, MEDIASOUP_WORKERS: "0" }, START_TIMEOUT_MS);
      expect(second.lines.some((line) => String(line.msg).startsWith("JWT signing keys generated"))).toBe(false);
      expect(await second.stop("SIGTERM")).toBe(0);
    },
    3 * START_TIMEOUT_MS,
  );
});
