import { Elysia, t } from "elysia";

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
const ReadyBody = t.Object({
  status: t.Union([t.Literal("ready"), t.Literal("unready")]),
  checks: t.Record(t.String(), DependencySchema),
});

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
      response: { 200: t.Object({ status: t.Literal("ok") }) },
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
        response: { 200: ReadyBody, 503: ReadyBody },
        detail: { summary: "Readiness: the state of each dependency; 503 when a configured one is down" },
      },
    )
    .get(
      "/metrics",
      async ({ set }) => {
        set.headers["content-type"] = deps.metricsContentType;
        return deps.renderMetrics();
      },
      { response: { 200: t.String() }, detail: { summary: "Prometheus metrics of this node" } },
    );
