import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { StreamQuality } from "../../domains/voice/domain/sfu";
import type { DomainEvent } from "../kernel/domain-event";

/** The SFU's metrics: worker and room gauges, restarts, and stream quality (never labelled per user). */
const createVoiceMetrics = (registry: Registry) => {
  const voiceQuality = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name: `xcord_voice_${name}`, help, buckets, registers: [registry] });
  const score = voiceQuality("stream_score", "mediasoup's 0-10 score of incoming audio streams", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const packetLoss = voiceQuality("packet_loss_ratio", "Fraction of incoming audio packets lost", [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  const jitter = voiceQuality("jitter_seconds", "Interarrival jitter of incoming audio", [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32]);
  const bitrate = voiceQuality("bitrate_bits_per_second", "Bitrate of incoming audio streams", [8e3, 16e3, 24e3, 32e3, 48e3, 64e3, 96e3, 128e3, 256e3]);
  return {
    voiceWorkers: new Gauge({ name: "xcord_voice_workers", help: "Live mediasoup workers on this node", registers: [registry] }),
    voiceRooms: new Gauge({ name: "xcord_voice_rooms", help: "Open voice rooms (routers) on this node", registers: [registry] }),
    voiceWorkerRestarts: new Counter({
      name: "xcord_voice_worker_restarts_total",
      help: "mediasoup workers restarted after dying",
      registers: [registry],
    }),
    /** Records one quality sample of an incoming audio stream. */
    observeVoiceQuality(quality: StreamQuality) {
      score.observe(quality.score);
      packetLoss.observe(quality.packetLoss);
      jitter.observe(quality.jitterMs / 1000);
      bitrate.observe(quality.bitrate);
    },
  };
};

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
  const gatewaySlowConsumers = new Counter({
    name: "xcord_gateway_slow_consumers_total",
    help: "Gateway sessions closed with 4008 for leaving more than MAX_BUFFERED_BYTES unread",
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
  const voice = createVoiceMetrics(registry);

  return {
    registry,
    gatewaySessions,
    gatewaySlowConsumers,
    ...voice,
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

/** The part of the metrics the SFU adapter records. */
export type VoiceMetrics = ReturnType<typeof createVoiceMetrics>;
