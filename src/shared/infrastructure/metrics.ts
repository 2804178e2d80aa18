import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DomainEvent } from "../kernel/domain-event";

/** Prometheus metrics of one node, in a registry of its own so several apps can share a process (tests). */
export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: "xcord_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "xcord_http_request_duration_seconds",
    help: "HTTP request latency by method and route",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const gatewaySessions = new Gauge({
    name: "xcord_gateway_sessions",
    help: "Open gateway sessions on this node",
    registers: [registry],
  });
  const relayLag = new Histogram({
    name: "xcord_outbox_relay_lag_seconds",
    help: "Time from commit of an event to its publication by the outbox relay",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const relayedEvents = new Counter({
    name: "xcord_outbox_relayed_events_total",
    help: "Events published by the outbox relay of this node",
    registers: [registry],
  });

  return {
    registry,
    gatewaySessions,
    /** Records one finished HTTP request; `route` is the route pattern, never the raw path. */
    observeHttp(method: string, route: string, status: number, seconds: number) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    /** Records a relayed batch and how long its events waited in the outbox. */
    observeRelay(events: readonly DomainEvent[], nowMs: number) {
      relayedEvents.inc(events.length);
      for (const event of events) relayLag.observe(Math.max(0, nowMs - Date.parse(event.occurredAt)) / 1000);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
