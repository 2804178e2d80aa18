/**
 * A pooled postgres-js connection lost while a statement is buffered for it (a PgBouncer or PostgreSQL restart under
 * load) must connect again at once. postgres-js 3.4.9 batches small writes behind a setImmediate and, when the socket
 * closed first, cancelled that write without forgetting it: every later connection attempt of that pool slot queued
 * its startup message behind the stale write, sent nothing and waited out connect_timeout (CONNECT_TIMEOUT, a 503),
 * again and again until the buffer passed 1 KiB. Behind the restarted PgBouncer of the topology suite, one node
 * answered 503 for 5 to 30 s although its /ready (another pool) said 200. patches/postgres@3.4.9.patch clears both.
 *
 * The socket is the test's (postgres-js's `socket` option) so that it can be closed in the very turn a statement is
 * buffered for it, which a restart does only now and then.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import postgres from "postgres";

const url = new URL(process.env.DATABASE_URL ?? "postgres://127.0.0.1:5432/xcord");

describe("postgres-js: a connection lost with a statement buffered", () => {
  let current: Socket | undefined;
  // A real TCP connection to the test PostgreSQL per attempt, as postgres-js's own would be.
  const socket = () =>
    new Promise<Socket>((resolve, reject) => {
      const made = connect(Number(url.port || 5432), url.hostname);
      made.once("connect", () => resolve((current = made))).once("error", reject);
    });
  // `socket` is a documented option that postgres-js's types leave out: no object literal, so it is not refused.
  const options = { max: 1, socket, connect_timeout: 3, backoff: () => 0, onnotice: () => {} };
  const sql = postgres(url.href, options);
  afterAll(() => sql.end({ timeout: 1 }));

  test("the next statements are answered at once, not after connect_timeout", async () => {
    for (let round = 0; round < 3; round++) {
      expect((await sql`SELECT ${round}::int AS n`)[0]!.n).toBe(round);
      // Buffered (not yet written) when the socket closes: the closing turn is the statement's own.
      const lost = sql`SELECT 1`.then(
        () => "answered",
        (error: { code?: string }) => error.code ?? "error",
      );
      current!.destroy();
      expect(await lost).toBe("CONNECTION_CLOSED");
      const started = performance.now();
      expect((await sql`SELECT 2 AS n`)[0]!.n).toBe(2);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});
