import { list as redisCommands } from "@ioredis/commands";
import { type Span, SpanKind, type Tracer, context } from "@opentelemetry/api";
import type { Redis } from "ioredis";
import { endWith, insideSpan } from "./tracing";

const COMMANDS: ReadonlySet<string> = new Set(redisCommands.flatMap((name) => [name, `${name}Buffer`]));

const commandSpan = (tracer: Tracer, name: string, attributes: Record<string, string | number> = {}): Span =>
  tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { "db.system.name": "redis", "db.operation.name": name, ...attributes } }, context.active());

/** A pipeline or MULTI whose `exec` is one span naming the commands it sent. */
const tracedBatch = (tracer: Tracer, kind: "PIPELINE" | "MULTI", batch: { exec: (...args: unknown[]) => unknown; length: number }) => {
  const exec = batch.exec;
  batch.exec = (...args: unknown[]) =>
    insideSpan() ? endWith(commandSpan(tracer, kind, { "db.operation.batch.size": batch.length }), exec.apply(batch, args)) : exec.apply(batch, args);
  return batch;
};

/**
 * A view of an ioredis client with a span per command (named by the command: "GET", "XADD", "xcordGcra" for a
 * script), started in the caller's context. Commands are told apart from the client's other methods by ioredis' own
 * command table and the scripts defined on it; everything else reaches the client untouched.
 */
export const tracedRedis = (tracer: Tracer, client: Redis): Redis => {
  const wrapped = new Map<PropertyKey, unknown>();
  const scripts = (client as unknown as { scriptsSet: Record<string, unknown> }).scriptsSet;
  return new Proxy(client, {
    get(target, property) {
      const known = wrapped.get(property);
      if (known !== undefined) return known;
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      let wrapper: unknown;
      if (property === "pipeline" || property === "multi") {
        const kind = property === "pipeline" ? "PIPELINE" : "MULTI";
        wrapper = (...args: unknown[]) => tracedBatch(tracer, kind, value.apply(target, args));
      } else if (property === "call") {
        wrapper = (name: string, ...args: unknown[]) =>
          insideSpan() ? endWith(commandSpan(tracer, String(name).toUpperCase()), value.call(target, name, ...args)) : value.call(target, name, ...args);
      } else if (typeof property === "string" && (COMMANDS.has(property) || property in scripts)) {
        const name = COMMANDS.has(property) ? property.replace(/Buffer$/, "").toUpperCase() : property;
        wrapper = (...args: unknown[]) => (insideSpan() ? endWith(commandSpan(tracer, name), value.apply(target, args)) : value.apply(target, args));
      } else {
        wrapper = value.bind(target);
      }
      wrapped.set(property, wrapper);
      return wrapper;
    },
  });
};
