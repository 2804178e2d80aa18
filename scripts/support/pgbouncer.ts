/** Throwaway PgBouncer in transaction pooling mode in front of the test PostgreSQL, for `?pgbouncer=true` runs. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRoot, PGBOUNCER_BIN } from "./deps";
import { ensureServiceUser, userWrapper } from "./postgres";
import { canConnect, type Defer, tail, terminate, waitUntil } from "./proc";

/** A running test PgBouncer. */
export interface PgBouncerServer {
  port: number;
  url: string;
}

/**
 * Every database name goes to the test PostgreSQL. postgres-js sends `extra_float_digits` and may send `options`
 * in its startup packet; PgBouncer refuses unknown startup parameters unless told to ignore them.
 */
const config = (port: number, pgPort: number, authFile: string): string =>
  [
    "[databases]",
    `* = host=127.0.0.1 port=${pgPort}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = trust",
    `auth_file = ${authFile}`,
    "pool_mode = transaction",
    "max_client_conn = 500",
    "default_pool_size = 20",
    "ignore_startup_parameters = extra_float_digits,options",
    "",
  ].join("\n");

/** Start pgbouncer in the foreground (stop registered with `defer`) and wait, bounded, until it accepts connections. */
export async function startPgBouncer(tmp: string, port: number, pgPort: number, defer: Defer): Promise<PgBouncerServer> {
  const authFile = join(tmp, "pgbouncer-users.txt");
  const iniPath = join(tmp, "pgbouncer.ini");
  const logPath = join(tmp, "pgbouncer.log");
  writeFileSync(authFile, `"xcord" ""\n`);
  writeFileSync(iniPath, config(port, pgPort, authFile));
  // PgBouncer refuses to run as root, like PostgreSQL; both files stay readable to the service user (0644 in a 0711 dir).
  const wrap = await userWrapper(isRoot() ? await ensureServiceUser() : null);
  const proc = Bun.spawn(wrap([PGBOUNCER_BIN, iniPath]), { cwd: tmp, stdin: "ignore", stdout: Bun.file(logPath), stderr: Bun.file(logPath) });
  // SIGTERM is an immediate shutdown in 1.18; runuser passes it on to pgbouncer.
  defer(() => terminate(proc.pid, "SIGTERM", 5_000));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const ready = await waitUntil(async () => !running() || (await canConnect(port)), 10_000);
  if (!ready || !running()) throw new Error(`pgbouncer did not start on port ${port}; log tail:\n${tail(logPath)}`);
  return { port, url: `postgres://xcord@127.0.0.1:${port}/xcord?pgbouncer=true` };
}
