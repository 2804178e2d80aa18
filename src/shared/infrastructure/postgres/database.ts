import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { type DataDirLock, lockDataDir, prepareDataDir } from "../data-dir";
import { pgliteTemplate } from "./pglite-template";
import * as schema from "./schema";

/** The drizzle handle every repository takes; the same type for Postgres and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: repositories accept either so use cases can compose writes. */
export type DbExecutor = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

/**
 * A prepared statement built on first use. drizzle builds a query's SQL text on every run (80–100 µs for a join on
 * this project's tables); prepared, it is built once. Repositories made per transaction build only those they run.
 */
export const preparedOnce = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => (built ??= build());
};

export interface Database {
  readonly db: Db;
  /**
   * For single statements outside any transaction (a send, a history page, permission facts, READY's reads, the
   * repositories' lookups): named, on a pool of STATEMENT_POOL_SIZE connections, so that concurrent statements share connections and leave
   * pipelined, several to a socket write and a server wake-up. The same handle as `db` on PGlite.
   */
  readonly statements: Db;
  readonly kind: "postgres" | "pglite";
  /** The embedded database's exclusive hold on DATA_DIR (released by `close`); absent for PostgreSQL and memory. */
  readonly dataDirLock?: DataDirLock;
  /** Applies pending SQL migrations from `drizzle/`, under an advisory lock so nodes starting together take turns. */
  migrate(): Promise<void>;
  /** True when a trivial query answers within the timeout. */
  healthy(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = resolve(import.meta.dir, "../../../../drizzle");
const MIGRATION_LOCK_KEY = 0x5c0d_0001;

/**
 * Statements with more parameters than this are sent unnamed: their shapes vary with a list's length (IN lists,
 * multi-row inserts), and each named shape is kept by the connection and the server for the connection's life.
 */
const MAX_PREPARED_PARAMETERS = 32;

export type Sql = ReturnType<typeof postgres>;

/**
 * Views of the database clients that observe every statement (tracing, when it is on). Each returns the client it is
 * given, or a view of it that behaves the same; absent, the clients are used as they are.
 */
export interface SqlInstrumentation {
  postgres(client: Sql): Sql;
  pglite(client: PGlite): PGlite;
}

/**
 * Connections of `Database.statements`. Two keep a slow statement from holding up the rest while concurrent ones
 * still share connections: at 16 sends in flight, PostgreSQL's CPU per send fell from 0.52 to 0.21 ms against
 * statements spread over the main pool (one connection, one wake-up of its server process each).
 */
export const STATEMENT_POOL_SIZE = 2;

/**
 * drizzle sends every query unnamed (`prepare: false`) unless it is built with `.prepare(name)`, and postgres-js
 * answers an unnamed query that has parameters with two round trips: Parse/Describe first to learn the parameter
 * types, then Bind/Execute. Named, a statement is described once per connection and every later run is one round
 * trip. This view of the client names drizzle's statements (those with at most MAX_PREPARED_PARAMETERS parameters),
 * in transactions and savepoints too. postgres-js forgets its statements when a connection is replaced (a PostgreSQL
 * restart) and prepares them again.
 */
const preparingStatements = (client: Sql): Sql =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: unknown[], options?: { prepare?: boolean }) =>
          target.unsafe(query, parameters as never, (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS ? { ...options, prepare: true } : options);
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const work = args.pop() as (scoped: Sql) => unknown;
          return (Reflect.get(target, property) as (...all: unknown[]) => unknown).call(target, ...args, (scoped: Sql) => work(preparingStatements(scoped)));
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

/** `pgbouncer=<value>` in a URL's query string, with the separators either side of it. */
const PGBOUNCER_PARAMETER = /([?&])pgbouncer=([^&]*)(&|$)/;

/**
 * How long one connection attempt may take: ample for a real connection, and a bound on the wait of the statements
 * queued behind an attempt the server never answers. (Attempts that hung until exactly this timeout after PostgreSQL
 * or PgBouncer restarted were postgres-js's own: a connection lost with a write buffered sent no startup message on
 * its later attempts. patches/postgres@3.4.9.patch fixes that; tests/chaos/postgres-connection-loss.test.ts checks it.)
 */
const CONNECT_TIMEOUT_SECONDS = 5;

/**
 * Seconds before a pool's next connection attempt after `retries` failed ones. postgres-js's default grows as
 * 3^retries / 100 up to 20 s, and counts failures across the pool: after an outage of a few seconds, a statement
 * waited for an attempt scheduled up to 20 s later although PostgreSQL was back (a READY stalled 14 s in a test
 * that stops and starts PostgreSQL). Capped at one second, with jitter so that nodes do not retry in step: each
 * connection then tries about once a second while the database is away, and work resumes within a second of it.
 */
export const reconnectBackoff = (retries: number): number => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);

/**
 * Postgres through two postgres-js pools: `statements` (single statements outside transactions, named per
 * connection) and `db` (transactions, the relay's batches and voice's queries, unnamed); with `?pgbouncer=true`
 * (PgBouncer in transaction mode, where a statement prepared on one server connection is unknown on the next) none are.
 */
export const createPostgresDatabase = (configuredUrl: string, poolSize: number, instrument?: SqlInstrumentation): Database => {
  const flag = PGBOUNCER_PARAMETER.exec(configuredUrl);
  const behindPgBouncer = flag?.[2] === "true";
  // postgres-js sends URL parameters it does not know to the server as startup parameters: PgBouncer refuses
  // `pgbouncer` ("unsupported startup parameter"), and so does PostgreSQL. It is XCord's switch, not the server's.
  const url = flag ? configuredUrl.replace(PGBOUNCER_PARAMETER, (_all, before: string, _value, after: string) => (after ? before : "")) : configuredUrl;
  // Every connection of the node's: how long it may take to open, how soon it is tried again, no notices in the logs.
  const connecting = { connect_timeout: CONNECT_TIMEOUT_SECONDS, backoff: reconnectBackoff, onnotice: () => {} };
  const pool = (max: number) => postgres(url, { ...connecting, max, idle_timeout: 30, prepare: !behindPgBouncer });
  const observed = (client: Sql): Sql => (instrument ? instrument.postgres(client) : client);
  const drizzleOver = (client: Sql, named: boolean) =>
    drizzlePostgres({ client: named && !behindPgBouncer ? preparingStatements(observed(client)) : observed(client), schema }) as unknown as Db;
  const client = pool(poolSize);
  const statementClient = pool(STATEMENT_POOL_SIZE);
  // Transactions stay unnamed. (Naming them once coincided with READYs answered after more than 10 s when PostgreSQL
  // restarted; that stall was postgres-js's reconnect backoff, see reconnectBackoff, but naming them is not measured since.)
  const db = drizzleOver(client, false);
  return {
    db,
    statements: drizzleOver(statementClient, true),
    kind: "postgres",
    async migrate() {
      // The lock is held by an open transaction on a connection of its own while another connection migrates: a
      // transaction keeps its server connection behind PgBouncer in transaction mode, where a session-level lock
      // would be taken and released on whichever server connection each statement got (excluding nobody).
      const single = () => postgres(url, { ...connecting, max: 1, prepare: false });
      const [holder, migrator] = [single(), single()];
      try {
        await holder.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
          await migratePostgres(drizzlePostgres({ client: migrator, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        });
      } finally {
        await Promise.all([holder.end({ timeout: 5 }), migrator.end({ timeout: 5 })]);
      }
    },
    healthy: (timeoutMs = 1000) => probe(db, timeoutMs),
    close: async () => void (await Promise.all([client.end({ timeout: 5 }), statementClient.end({ timeout: 5 })])),
  };
};

/**
 * The embedded zero-setup database: PGlite in `dataDir/pglite`, or in memory for `memory://`. On disk it first checks
 * DATA_DIR (prepareDataDir) and takes its lock: one process per directory.
 */
export const createPgliteDatabase = async (dataDir: string | "memory://", instrument?: SqlInstrumentation): Promise<Database> => {
  let location: string | undefined;
  let dataDirLock: DataDirLock | undefined;
  if (dataDir !== "memory://") {
    prepareDataDir(dataDir);
    dataDirLock = lockDataDir(dataDir);
    location = join(dataDir, "pglite");
    mkdirSync(location, { recursive: true });
  }
  // A new database starts from the migrated template when there is one, skipping initdb (pglite-template.ts).
  const fresh = location === undefined || !existsSync(join(location, "PG_VERSION"));
  const templates = pgliteTemplate(MIGRATIONS_FOLDER);
  const template = fresh ? templates.load() : undefined;
  const client = await PGlite.create(location, template ? { loadDataDir: template } : {}).catch((error: unknown) => {
    dataDirLock?.release();
    throw error;
  });
  const needsTemplate = fresh && template === undefined;
  const db = drizzlePglite({ client: instrument ? instrument.pglite(client) : client, schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    statements: db,
    kind: "pglite",
    ...(dataDirLock ? { dataDirLock } : {}),
    async migrate() {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
      // Only a database that initdb just made and the migrations just filled is a template: nothing else is in it yet.
      if (needsTemplate) await templates.save(client).catch(() => {});
    },
    healthy: (timeoutMs = 1000) => (closed ? Promise.resolve(false) : probe(db, timeoutMs)),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        dataDirLock?.release();
      }
    },
  };
};

const probe = async (db: Db, timeoutMs: number): Promise<boolean> => {
  let timer: Timer | undefined;
  const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), timeoutMs)));
  try {
    return await Promise.race([db.execute(sql`SELECT 1`).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
};
