import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  context,
  propagation,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from "@opentelemetry/sdk-trace";
import type { TracingConfig } from "../config";

/**
 * Distributed tracing (OpenTelemetry), or nothing: every method of `noTracing` passes its work through untouched, and
 * the clients and the HTTP server are only wrapped when tracing is on, so a node without OTEL_EXPORTER_OTLP_ENDPOINT
 * pays nothing for it. One message send is one trace: the request's span, its SQL and Redis spans, the outbox
 * publish, and on each node that hears the event a dispatch span whose parent is the request's, carried inside the
 * event as a W3C `traceparent` (DomainEvent.trace).
 */
export interface Tracing {
  readonly enabled: boolean;
  /** The active span's context as a W3C traceparent, to carry inside an event; undefined without one. */
  traceparent(): string | undefined;
  /**
   * Starts the server span of an HTTP request (its parent is the request's own `traceparent` header, when it has one)
   * and returns a function that runs the request's handling inside it. `finishRequest` ends it.
   */
  startRequest(request: Request): { readonly span: Span; run<T>(work: () => T): T } | undefined;
  /** Ends a request's span with its route, status and request id (the X-Request-Id of its log line). */
  finishRequest(span: Span, request: { method: string; route: string; status: number; id: string }): void;
  /**
   * Runs `work` in a span that is a child of the active one (or of `parent`, a traceparent carried by an event), and
   * ends it when `work` settles.
   */
  inSpan<T>(name: string, options: SpanOptions, work: () => T): T;
  /**
   * Runs `work` with no span of its own nor of its caller's: a background pass (the relay's poll, a batch of marks)
   * whose statements would otherwise be noise, or land in the trace of whichever request scheduled the timer.
   */
  quietly<T>(work: () => T): T;
  /** `{trace_id, span_id}` of the active span, for log lines; empty without one. A new object each time (pino merges into it). */
  logFields(): { trace_id?: string; span_id?: string };
  /** The tracer, for instrumentation of the clients (traced-sql.ts, traced-redis.ts). */
  readonly tracer: Tracer | undefined;
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** A W3C traceparent (an event's) to parent the span on instead of the active context; `null` for a new trace. */
  readonly parent?: string | null;
  /** traceparents of other traces this span works for (a relay batch publishes events of many requests). */
  readonly links?: readonly (string | undefined)[];
}

export const noTracing: Tracing = {
  enabled: false,
  traceparent: () => undefined,
  startRequest: () => undefined,
  finishRequest: () => {},
  inSpan: (_name, _options, work) => work(),
  quietly: (work) => work(),
  logFields: () => ({}),
  tracer: undefined,
  shutdown: async () => {},
};

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};

/** The context a carried traceparent describes (ROOT_CONTEXT's child when it is malformed: a client's header is untrusted). */
const contextOf = (traceparent: string): Context => propagator.extract(ROOT_CONTEXT, { traceparent }, { keys: (c) => Object.keys(c), get: (c, k) => c[k as "traceparent"] });

const linkOf = (traceparent: string | undefined): Link | undefined => {
  if (traceparent === undefined) return undefined;
  const spanContext = trace.getSpanContext(contextOf(traceparent));
  return spanContext ? { context: spanContext } : undefined;
};

/** Ends `span` when `result` settles (or now, for a plain value), marking it failed on an error. */
export const endWith = <T>(span: Span, result: T): T => {
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
};

/**
 * Whether work runs inside a span (a request's, a job's, a dispatch's): the clients trace their statements and
 * commands only then, so a background loop's own polls make no traces.
 */
export const insideSpan = (): boolean => trace.getSpan(context.active()) !== undefined;

/** Records `error` on `span` and ends it. */
export const failSpan = (span: Span, error: unknown): void => {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
};

/** How many tracings of this process use the global context manager (tests run several nodes in one process). */
let globalHolders = 0;
const holdGlobals = () => {
  if (globalHolders++ > 0) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
};
const releaseGlobals = () => {
  if (--globalHolders > 0) return;
  context.disable();
  propagation.disable();
};

/**
 * Tracing for one node: OTLP/HTTP (JSON) export of batches of spans to `config.tracesUrl`, W3C trace context, and the
 * async-local context that carries the active span through awaits. It registers the global context manager and
 * propagator of @opentelemetry/api, which are per process (as every worker of WORKERS is).
 */
export const createTracing = (config: TracingConfig, nodeId: number, version: string): Tracing => {
  holdGlobals();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": config.serviceName,
      "service.version": version,
      "service.instance.id": String(nodeId),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: config.tracesUrl, headers: { ...config.headers } }),
        scheduledDelayMillis: config.exportDelayMs,
        maxQueueSize: 8192,
        maxExportBatchSize: 1024,
      }),
    ],
  });
  const tracer = provider.getTracer("xcord", version);
  let stopped = false;

  const startSpan = (name: string, options: SpanOptions): { span: Span; context: Context } => {
    const parent = options.parent === undefined ? context.active() : options.parent === null ? ROOT_CONTEXT : contextOf(options.parent);
    const links = options.links?.map(linkOf).filter((link): link is Link => link !== undefined);
    const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent);
    return { span, context: trace.setSpan(parent, span) };
  };

  return {
    enabled: true,
    tracer,
    traceparent() {
      const spanContext = trace.getSpanContext(context.active());
      if (!spanContext) return undefined;
      const carrier: { traceparent?: string } = {};
      propagator.inject(context.active(), carrier, { set: (c, k, v) => void ((c as Record<string, string>)[k] = v) });
      return carrier.traceparent;
    },
    startRequest(request) {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
      const url = new URL(request.url);
      const span = tracer.startSpan(
        request.method,
        {
          kind: SpanKind.SERVER,
          attributes: { "http.request.method": request.method, "url.path": url.pathname, "url.scheme": url.protocol.slice(0, -1) },
        },
        parent,
      );
      const active = trace.setSpan(parent, span);
      return { span, run: (work) => context.with(active, work) };
    },
    finishRequest(span, { method, route, status, id }) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": status, "xcord.request_id": id });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    inSpan(name, options, work) {
      const started = startSpan(name, options);
      try {
        return endWith(started.span, context.with(started.context, work));
      } catch (error) {
        failSpan(started.span, error);
        throw error;
      }
    },
    quietly: (work) => context.with(ROOT_CONTEXT, work),
    logFields() {
      const spanContext = trace.getSpanContext(context.active());
      return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
    },
    async shutdown() {
      // Once: the failure paths of a start and a later stop may both call it, and the globals are counted.
      if (stopped) return;
      stopped = true;
      await provider.shutdown();
      releaseGlobals();
    },
  };
};
