import { Elysia, t } from "elysia";
import { annotated } from "./schema-types";

const DEPENDENCY_STATUSES = ["up", "down", "memory", "embedded", "unavailable", "disabled"] as const;
export type DependencyStatus = (typeof DEPENDENCY_STATUSES)[number];

/** A dependency /ready reports on; `required` ones make the node unready when down. */
export interface ReadinessCheck {
  readonly name: string;
  readonly required: boolean;
  check(): Promise<{ status: DependencyStatus; detail?: string }>;
}

const DependencySchema = t.Object({
  status: t.UnionEnum(DEPENDENCY_STATUSES),
  detail: t.Optional(t.String()),
});
const ReadyBody = t.Object(
  {
    status: t.Union([t.Literal("ready"), t.Literal("unready")]),
    checks: t.Record(t.String(), DependencySchema, { description: "dependency name → its state" }),
  },
  {
    title: "Readiness",
    examples: [{ status: "ready", checks: { database: { status: "up" }, redis: { status: "up" }, voice: { status: "disabled" } } }],
  },
);

/** /health (liveness), /ready (dependencies) and /metrics (Prometheus), at the root, without auth. */
export const operationsRoutes = (deps: {
  readonly checks: readonly ReadinessCheck[];
  readonly renderMetrics: () => Promise<string>;
  readonly metricsContentType: string;
  /** False once shutdown begins, so load balancers drain this node. */
  readonly accepting: () => boolean;
}) =>
  new Elysia({ name: "xcord.operations", detail: { tags: ["Operations"] } })
    .get("/health", () => ({ status: "ok" as const }), {
      response: { 200: t.Object({ status: t.Literal("ok") }, { description: "OK — the process is alive" }) },
      detail: { summary: "Liveness: the process answers" },
    })
    .get(
      "/ready",
      async ({ set }) => {
        const results = await Promise.all(
          deps.checks.map(async (dependency) => {
            const result = await dependency
              .check()
              .catch((): { status: DependencyStatus; detail?: string } => ({ status: "down" }));
            return [dependency, result] as const;
          }),
        );
        const down = results.some(([dependency, result]) => dependency.required && result.status === "down");
        const ready = !down && deps.accepting();
        set.status = ready ? 200 : 503;
        return {
          status: ready ? ("ready" as const) : ("unready" as const),
          checks: Object.fromEntries(results.map(([dependency, result]) => [dependency.name, result])),
        };
      },
      {
        response: {
          200: annotated(ReadyBody, { description: "OK — every required dependency is up and the node accepts traffic" }),
          503: annotated(ReadyBody, {
            description: "Service Unavailable — a required dependency is down, or the node is shutting down",
            examples: [{ status: "unready", checks: { database: { status: "down" } } }],
          }),
        },
        detail: { summary: "Readiness: the state of each dependency; 503 when a configured one is down" },
      },
    )
    .get(
      "/metrics",
      async ({ set }) => {
        set.headers["content-type"] = deps.metricsContentType;
        return deps.renderMetrics();
      },
      {
        response: {
          200: t.String({
            description: "OK — the Prometheus text exposition format",
            examples: ["# TYPE xcord_http_requests_total counter\nxcord_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 3\n"],
          }),
        },
        detail: { summary: "Prometheus metrics of this node" },
      },
    );
