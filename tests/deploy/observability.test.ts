/**
 * The Grafana dashboard and the Prometheus alert rules (issue 17, item 5): every PromQL expression names only
 * metrics a started XCord node exports (read from its /metrics), with labels those metrics carry.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parser } from "@prometheus-io/lezer-promql";
import { modeNamed, startServer, type TestServer } from "../support/server";
import { readRepoFile, readYaml } from "./deploy-support";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string; runbook: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr: string; refId: string }>;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
}

const rules = (readYaml("deploy/prometheus/xcord-alerts.yaml") as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readRepoFile("deploy/grafana/xcord-dashboard.json")) as Dashboard;

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** Series Prometheus makes itself for every scrape target; job and instance are the labels it adds to each series. */
const PROMETHEUS_SERIES = new Set(["up"]);
const TARGET_LABELS = new Set(["job", "instance"]);

interface Selector {
  readonly metric: string;
  readonly matchers: Array<{ label: string; op: string; value: string }>;
}
interface ParsedExpression {
  readonly selectors: Selector[];
  /** Label names in by/without/on/ignoring/group_* clauses. */
  readonly groupings: string[];
}

/**
 * The metric selectors and grouping labels of a PromQL expression, read with Prometheus' own PromQL grammar
 * (@prometheus-io/lezer-promql, the parser of Prometheus' web UI); a syntax error throws. Grafana's variables
 * ($instance, $__rate_interval) are replaced by what they stand for first.
 */
const parsePromQL = (source: string): ParsedExpression => {
  const expression = source.replace(/\$__rate_interval/g, "5m").replace(/\$\{?(\w+)\}?/g, "$1");
  const text = (node: SyntaxNode) => expression.slice(node.from, node.to);
  const children = (node: SyntaxNode, name?: string): SyntaxNode[] => {
    const found: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) if (!name || child.name === name) found.push(child);
    return found;
  };
  const selectors: Selector[] = [];
  const groupings: string[] = [];
  const visit = (node: SyntaxNode) => {
    if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${source}`);
    if (node.name === "VectorSelector") {
      const [identifier] = children(node, "Identifier");
      const matchers = children(node, "LabelMatchers").flatMap((list) => children(list, "UnquotedLabelMatcher"));
      selectors.push({
        metric: identifier ? text(identifier) : "",
        matchers: matchers.map((matcher) => ({
          label: text(children(matcher, "LabelName")[0]!),
          op: text(children(matcher, "MatchOp")[0]!),
          value: JSON.parse(text(children(matcher, "StringLiteral")[0]!)) as string,
        })),
      });
    }
    if (node.name === "GroupingLabels") groupings.push(...children(node, "LabelName").map(text));
    for (const child of children(node)) visit(child);
  };
  visit(parser.parse(expression).topNode);
  return { selectors, groupings };
};

/** Each metric family of a /metrics page, with the labels its samples carry; histograms as their three series. */
const exportedSeries = (exposition: string): Map<string, { labels: Set<string>; values: Map<string, Set<string>> }> => {
  const series = new Map<string, { labels: Set<string>; values: Map<string, Set<string>> }>();
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE (\S+) (\w+)$/.exec(line);
    if (type) {
      const [, name, kind] = type;
      const names = kind === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : kind === "summary" ? [name!, `${name}_sum`, `${name}_count`] : [name!];
      for (const each of names) series.set(each, { labels: new Set(each.endsWith("_bucket") ? ["le"] : []), values: new Map() });
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} /.exec(line);
    if (!sample) continue;
    const entry = series.get(sample[1]!);
    for (const [, label, value] of sample[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      entry?.labels.add(label!);
      if (entry && !entry.values.has(label!)) entry.values.set(label!, new Set());
      entry?.values.get(label!)!.add(value!);
    }
  }
  return series;
};

const expressions: Array<{ where: string; expr: string }> = [
  ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr }))),
  ...dashboard.templating.list
    .filter((variable) => variable.type === "query")
    .map((variable) => {
      const query = typeof variable.query === "string" ? variable.query : variable.query.query;
      const [, selector] = /^label_values\((.+),\s*\w+\)$/.exec(query) ?? [];
      return { where: `variable $${variable.name}`, expr: selector ?? query };
    }),
];

describe("dashboard and alerts against a node's /metrics", () => {
  let server: TestServer;
  let exported: ReturnType<typeof exportedSeries>;
  beforeAll(async () => {
    server = await startServer(modeNamed("embedded"));
    // Requests whose labels the expressions filter on: a route, a refused message send, a 404.
    await server.request("/health");
    await server.request("/api/v10/channels/1/messages", { method: "POST", json: { content: "x" } });
    await server.request("/no/such/route");
    exported = exportedSeries(await (await server.request("/metrics")).text());
  });
  afterAll(() => server.stop());

  test("the parser finds the metric names and labels of an expression", () => {
    const parsed = parsePromQL('histogram_quantile(0.99, sum by (le, route) (rate(xcord_http_request_duration_seconds_bucket{job="xcord", route=~"/a|/b"}[5m]))) > 1 and on(instance) up offset 5m');
    expect(parsed.selectors.map((selector) => selector.metric)).toEqual(["xcord_http_request_duration_seconds_bucket", "up"]);
    expect(parsed.selectors[0]!.matchers).toEqual([
      { label: "job", op: "=", value: "xcord" },
      { label: "route", op: "=~", value: "/a|/b" },
    ]);
    expect(parsed.groupings).toEqual(["le", "route", "instance"]);
    expect(() => parsePromQL("sum(rate(xcord_gateway_sessions[5m])")).toThrow("PromQL syntax error");
    expect(() => parsePromQL('xcord_gateway_sessions{job="xcord"} >')).toThrow("PromQL syntax error");
  });

  test("every expression names only metrics XCord exports, with labels they carry", () => {
    expect(expressions.length).toBeGreaterThan(40);
    const used = new Set<string>();
    for (const { where, expr } of expressions) {
      const { selectors, groupings } = parsePromQL(expr);
      expect(selectors.length, `${where}: no metric in ${expr}`).toBeGreaterThan(0);
      const available = new Set(TARGET_LABELS);
      for (const { metric, matchers } of selectors) {
        used.add(metric);
        if (PROMETHEUS_SERIES.has(metric)) continue;
        const series = exported.get(metric);
        expect(series, `${where}: ${metric} is not in XCord's /metrics`).toBeDefined();
        for (const label of series!.labels) available.add(label);
        for (const { label, op, value } of matchers) {
          expect(TARGET_LABELS.has(label) || series!.labels.has(label), `${where}: ${metric} has no label ${label}`).toBe(true);
          // A value filter on a label XCord sets must be able to match what XCord writes (PromQL anchors regexes).
          if (TARGET_LABELS.has(label) || value === "x" || !series!.values.has(label)) continue;
          // Statuses: any HTTP code, not only those this node happened to answer; other labels: values it wrote.
          const seen = label === "status" ? Array.from({ length: 500 }, (_, index) => String(100 + index)) : [...series!.values.get(label)!];
          const test = op === "=~" ? (v: string) => new RegExp(`^(?:${value})$`).test(v) : (v: string) => v === value;
          if (op === "=~" || op === "=") expect(seen.some(test), `${where}: ${label}${op}"${value}" matches none of ${seen.join(", ")}`).toBe(true);
        }
      }
      for (const label of groupings) expect(available.has(label), `${where}: grouping by ${label}, which its metrics lack`).toBe(true);
    }
    // The list: sessions, relay lag, 5xx rate, p99 by route, voice loss — each alerted on and charted.
    for (const metric of ["xcord_gateway_sessions", "xcord_outbox_relay_lag_seconds_bucket", "xcord_http_requests_total", "xcord_http_request_duration_seconds_bucket", "xcord_voice_packet_loss_ratio_bucket"]) {
      expect(used.has(metric), metric).toBe(true);
    }
    // Every XCord metric is on the dashboard.
    const charted = new Set(dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => parsePromQL(target.expr).selectors.map((s) => s.metric.replace(/_(bucket|sum|count)$/, "")))));
    for (const name of exported.keys()) {
      if (name.startsWith("xcord_")) expect(charted.has(name.replace(/_(bucket|sum|count)$/, "")), `${name} is not on the dashboard`).toBe(true);
    }
  });

  test("an expression naming a metric XCord does not export is caught", () => {
    const { selectors } = parsePromQL('sum(rate(xcord_messages_sent_total{job="xcord"}[5m]))');
    expect(exported.has(selectors[0]!.metric)).toBe(false);
  });
});

describe("alert rules", () => {
  test("cover sessions, relay lag, 5xx rate, p99 by route and voice loss; each has a severity, a summary and a runbook section that exists", () => {
    const byName = new Map(rules.map((rule) => [rule.alert, rule]));
    expect(byName.size).toBe(rules.length);
    const alertOn = (metric: string) => rules.filter((rule) => rule.expr.includes(metric)).map((rule) => rule.alert);
    expect(alertOn("xcord_gateway_sessions")).toContain("XcordGatewaySessionsDropped");
    expect(alertOn("xcord_outbox_relay_lag_seconds_bucket")).toEqual(["XcordRelayLagHigh"]);
    expect(alertOn('status=~"5.."')).toContain("XcordHigh5xxRate");
    expect(byName.get("XcordSlowRoute")!.expr).toMatch(/histogram_quantile\(0\.99, sum by \(le, method, route\)/);
    expect(alertOn("xcord_voice_packet_loss_ratio")).toEqual(["XcordVoicePacketLoss"]);
    const headings = new Set(
      readRepoFile("docs/operations.md")
        .split("\n")
        .filter((line) => line.startsWith("#"))
        .map((line) => line.replace(/^#+\s*/, "").toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")),
    );
    const operations = readRepoFile("docs/operations.md");
    // Prometheus' rule file format: groups of {name, interval?, rules}; alerting rules of these keys only.
    const groups = (readYaml("deploy/prometheus/xcord-alerts.yaml") as { groups: Array<Record<string, unknown>> }).groups;
    for (const group of groups) for (const key of Object.keys(group)) expect(["name", "interval", "limit", "rules"]).toContain(key);
    expect(new Set(groups.map((group) => group.name)).size).toBe(groups.length);
    for (const rule of rules) {
      for (const key of Object.keys(rule)) expect(["alert", "expr", "for", "keep_firing_for", "labels", "annotations"], `${rule.alert}: ${key}`).toContain(key);
      expect(rule.alert).toMatch(/^Xcord[A-Z][A-Za-z0-9]+$/);
      expect(["warning", "critical"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      expect(rule.annotations.description.length).toBeGreaterThan(20);
      const [file, anchor] = rule.annotations.runbook.split("#");
      expect(file).toBe("docs/operations.md");
      expect(headings.has(anchor!), `${rule.alert}: docs/operations.md has no section #${anchor}`).toBe(true);
      // …and the operations guide says what each alert means.
      expect(operations.includes(rule.alert), `docs/operations.md does not explain ${rule.alert}`).toBe(true);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });
});

describe("Grafana dashboard", () => {
  test("is importable: unique panel ids, every panel on the grid and on the datasource variable, a query per chart", () => {
    expect(dashboard.uid).toBe("xcord-overview");
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(["datasource", "instance"]);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === "row") continue;
      expect(panel.datasource?.uid, panel.title).toBe("${datasource}");
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr, panel.title).toContain('instance=~"$instance"');
    }
    // No two panels overlap.
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      for (let dx = 0; dx < gridPos.w; dx++) {
        for (let dy = 0; dy < gridPos.h; dy++) {
          const cell = `${gridPos.x + dx},${gridPos.y + dy}`;
          expect(cells.has(cell), `${title} overlaps another panel at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });
});
