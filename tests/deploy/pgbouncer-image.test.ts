/**
 * The `pgbouncer` image's entrypoint (Dockerfile, deploy/docker/pgbouncer-entrypoint.sh) run here with Debian's
 * PgBouncer and the shipped deploy/pgbouncer/pgbouncer.ini, its site lines pointed at the test PostgreSQL: the auth
 * file it writes from the environment lets a client in with SCRAM, and PgBouncer is the process that gets the
 * stop signal.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { isRoot, PGBOUNCER_BIN } from "../../scripts/support/deps";
import { ensureServiceUser, userWrapper } from "../../scripts/support/postgres";
import { canConnect, freePort, waitUntil } from "../../scripts/support/proc";
import { readRepoFile, repoPath, run } from "./deploy-support";

const databaseUrl = process.env.DATABASE_URL;
const available = existsSync(PGBOUNCER_BIN) && databaseUrl !== undefined;
const skipped = available ? "" : ` [skipped: needs ${PGBOUNCER_BIN} and DATABASE_URL, which \`bun run test\` provides]`;

/** The shipped config with its [site] lines (addresses and the auth file) set for this machine. */
const siteConfig = (pgPort: number, port: number, authFile: string): string => {
  const shipped = readRepoFile("deploy/pgbouncer/pgbouncer.ini");
  const replace = (text: string, pattern: RegExp, line: string) => {
    expect(pattern.test(text), `pgbouncer.ini has no line ${pattern}`).toBe(true);
    return text.replace(pattern, line);
  };
  let text = replace(shipped, /^\* = host=\S+ port=\d+$/m, `* = host=127.0.0.1 port=${pgPort}`);
  text = replace(text, /^listen_addr = .*$/m, "listen_addr = 127.0.0.1");
  text = replace(text, /^listen_port = .*$/m, `listen_port = ${port}`);
  return replace(text, /^auth_file = .*$/m, `auth_file = ${authFile}`);
};

describe.skipIf(!available)(`pgbouncer image entrypoint${skipped}`, () => {
  test(
    "writes the auth file from PGBOUNCER_AUTH_*, execs PgBouncer with the shipped config, which admits the password and stops on SIGINT",
    async () => {
      const work = mkdtempSync(join(tmpdir(), "xcord-pgbouncer-"));
      const user = isRoot() ? await ensureServiceUser() : null;
      const wrap = await userWrapper(user);
      try {
        const pgPort = Number(new URL(databaseUrl!).port);
        const port = await freePort();
        const authFile = join(work, "userlist.txt");
        const config = join(work, "pgbouncer.ini");
        writeFileSync(config, siteConfig(pgPort, port, authFile));
        const entrypoint = join(work, "pgbouncer-entrypoint.sh");
        copyFileSync(repoPath("deploy/docker/pgbouncer-entrypoint.sh"), entrypoint);
        chmodSync(entrypoint, 0o755);
        if (user) {
          const uid = Number((await run(["id", "-u", user])).stdout.trim());
          const gid = Number((await run(["id", "-g", user])).stdout.trim());
          for (const path of [work, config, entrypoint]) chownSync(path, uid, gid);
        }
        // A password with a double quote: the auth file's quoting must escape it.
        const password = 'p"ss-word';
        const env = [`PGBOUNCER_AUTH_USER=xcord`, `PGBOUNCER_AUTH_PASSWORD=${password}`, `PATH=/usr/sbin:/usr/bin:/bin`];
        const child = Bun.spawn(wrap(["env", "-i", ...env, "bash", entrypoint, config]), { cwd: work, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
        try {
          const listening = await waitUntil(async () => child.exitCode !== null || (await canConnect(port)), 10_000);
          if (!listening || child.exitCode !== null) {
            child.kill("SIGKILL");
            throw new Error(`PgBouncer did not listen on ${port}: ${await new Response(child.stderr).text()}`);
          }
          expect(readFileSync(authFile, "utf8")).toBe(`"xcord" "p""ss-word"\n`);
          expect(statSync(authFile).mode & 0o777).toBe(0o600);

          // SCRAM with the right password passes; a wrong one is refused.
          const url = (secret: string) => `postgres://xcord:${encodeURIComponent(secret)}@127.0.0.1:${port}/xcord`;
          const sql = postgres(url(password), { prepare: false, max: 1, connect_timeout: 5 });
          try {
            expect([...(await sql`select 1 as one`)]).toEqual([{ one: 1 }]);
          } finally {
            await sql.end();
          }
          const wrong = postgres(url("wrong"), { prepare: false, max: 1, connect_timeout: 5 });
          await expect(wrong`select 1`).rejects.toThrow(/password|authentication/i);
          await wrong.end().catch(() => {});

          // The entrypoint exec'd PgBouncer: the process the container runtime signals is PgBouncer itself.
          const main = user ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(" ")[0]) : child.pid;
          expect(readFileSync(`/proc/${main}/comm`, "utf8").trim()).toBe("pgbouncer");
          process.kill(main, "SIGINT"); // the image's STOPSIGNAL: safe shutdown
          expect(await child.exited).toBe(0);
        } finally {
          child.kill("SIGKILL");
        }

        // Without the variables the auth file must already exist (Kubernetes mounts it): an empty one stops the start.
        writeFileSync(authFile, "");
        const refused = await run(wrap(["env", "-i", "PATH=/usr/sbin:/usr/bin:/bin", "bash", entrypoint, config]), { timeoutMs: 10_000 });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("is missing: mount it, or set PGBOUNCER_AUTH_USER and PGBOUNCER_AUTH_PASSWORD");
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    { timeout: 40_000 },
  );
});
