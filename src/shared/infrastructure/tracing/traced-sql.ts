import type { PGlite, Transaction } from "@electric-sql/pglite";
import { type Attributes, type Span, SpanKind, type Tracer, context, trace } from "@opentelemetry/api";
import type { Sql, SqlInstrumentation } from "../postgres/database";
import { endWith, failSpan, insideSpan } from "./tracing";

/** Statements seen, with their summaries: a node runs a few hundred shapes, each summarized once. */
const summaries = new Map<string, { operation: string; table: string | undefined }>();
const MAX_SUMMARIES = 2_000;

/**
 * The statement's operation and the table it works on, read at its top level (parenthesized subqueries and CTE bodies
 * skipped): "SELECT messages", "INSERT outbox"; a WITH statement is named by its final statement.
 */
export const summarizeStatement = (text: string): { operation: string; table: string | undefined } => {
  const known = summaries.get(text);
  if (known) return known;
  let depth = 0;
  let top = "";
  for (const character of text) {
    if (character === "(") depth++;
    else if (character === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) top += character;
  }
  const operations = /\b(select|insert|update|delete|begin|commit|rollback|savepoint|release|set|show)\b/gi;
  const words = [...top.matchAll(operations)].map((match) => match[1]!.toUpperCase());
  const first = /^\s*(\w+)/.exec(top)?.[1]?.toUpperCase() ?? "SQL";
  const operation = first === "WITH" ? (words.find((word) => word !== "SET") ?? "WITH") : first;
  const table = /\b(?:from|into|update)\s+"?([A-Za-z_]\w*)"?/i.exec(top)?.[1];
  const summary = { operation, table: table?.toLowerCase() === "unnest" ? undefined : table };
  if (summaries.size < MAX_SUMMARIES) summaries.set(text, summary);
  return summary;
};

const statementSpan = (tracer: Tracer, system: string, text: string): Span => {
  const { operation, table } = summarizeStatement(text);
  const attributes: Attributes = { "db.system.name": system, "db.operation.name": operation, "db.query.text": text };
  if (table) attributes["db.collection.name"] = table;
  // Statements are parameterized: the text carries placeholders, never a value a client sent.
  return tracer.startSpan(table ? `${operation} ${table}` : operation, { kind: SpanKind.CLIENT, attributes }, context.active());
};

/** Runs `work(…)` of a transaction inside a span of its own, so that its statements are the span's children. */
const inTransactionSpan = <T>(tracer: Tracer, system: string, work: () => Promise<T>): Promise<T> => {
  const span = tracer.startSpan("transaction", { kind: SpanKind.CLIENT, attributes: { "db.system.name": system } }, context.active());
  return endWith(span, context.with(trace.setSpan(context.active(), span), work));
};

/** A postgres-js query settles through its own `resolve` and `reject`: the span ends there, without starting it early. */
type PendingQuery = { resolve: (value: unknown) => unknown; reject: (error: unknown) => unknown };

const tracedPostgres = (tracer: Tracer, client: Sql): Sql =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: unknown[], options?: object) => {
          const pending = target.unsafe(query, parameters as never, options as never) as unknown as PendingQuery;
          if (!insideSpan()) return pending;
          const span = statementSpan(tracer, "postgresql", query);
          const { resolve, reject } = pending;
          pending.resolve = (value) => {
            span.end();
            return resolve(value);
          };
          pending.reject = (error) => {
            failSpan(span, error);
            return reject(error);
          };
          return pending;
        };
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const work = args.pop() as (scoped: Sql) => unknown;
          const begin = Reflect.get(target, property) as (...all: unknown[]) => Promise<unknown>;
          const run = () => begin.call(target, ...args, (scoped: Sql) => work(tracedPostgres(tracer, scoped)));
          return insideSpan() ? inTransactionSpan(tracer, "postgresql", run) : run();
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

type Queries = Pick<PGlite, "query"> | Pick<Transaction, "query">;

const tracedQuery = (tracer: Tracer, target: Queries) => (text: string, ...rest: unknown[]) => {
  if (!insideSpan()) return (target.query as (...all: unknown[]) => Promise<unknown>).call(target, text, ...rest);
  const span = statementSpan(tracer, "postgresql", text);
  return endWith(span, (target.query as (...all: unknown[]) => Promise<unknown>).call(target, text, ...rest));
};

const tracedPglite = (tracer: Tracer, client: PGlite): PGlite =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property === "query") return tracedQuery(tracer, target);
      if (property === "transaction") {
        return <T>(work: (tx: Transaction) => Promise<T>) => {
          const run = () =>
            target.transaction((tx) => work(new Proxy(tx, { get: (t, p, r) => (p === "query" ? tracedQuery(tracer, t) : Reflect.get(t, p, r)) })));
          return insideSpan() ? inTransactionSpan(tracer, "postgresql", run) : run();
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

/** A span per SQL statement (named "SELECT messages", with the parameterized text) and per transaction. */
export const tracedSql = (tracer: Tracer): SqlInstrumentation => ({
  postgres: (client) => tracedPostgres(tracer, client),
  pglite: (client) => tracedPglite(tracer, client),
});
