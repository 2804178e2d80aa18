/**
 * The Kubernetes manifests (issue 17, item 2): every document valid against Kubernetes' schemas (kubernetes-models),
 * and wired to match XCord: probes, the drain's timing, the shipped PgBouncer config, the images' users.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { readRepoFile, readYaml, readYamlDocuments, repoPath, run } from "./deploy-support";

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

const DIR = "deploy/kubernetes";
const files = readdirSync(repoPath(DIR)).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml").sort();
const manifests: Array<Manifest & { file: string }> = files.flatMap((file) =>
  (readYamlDocuments(`${DIR}/${file}`) as Manifest[]).map((manifest) => ({ ...manifest, file })),
);
const find = (kind: string, name: string): Manifest => {
  const manifest = manifests.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  if (!manifest) throw new Error(`no ${kind} ${name} in ${DIR}`);
  return manifest;
};

/** kubernetes-models' class for a document's apiVersion and kind, e.g. apps/v1 StatefulSet. */
const modelOf = async (manifest: Manifest): Promise<new (data: unknown) => { validate(): void }> => {
  const module = (await import(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = module[manifest.kind];
  if (!model) throw new Error(`kubernetes-models has no ${manifest.apiVersion} ${manifest.kind}`);
  return model;
};
const validate = async (manifest: Manifest) => new (await modelOf(manifest))(manifest).validate();

/** The drain's bound in src/main.ts: the forced exit's timer and the message that names it. */
const drainSeconds = (() => {
  const source = readRepoFile("src/main.ts");
  const match = /shutdown took longer than (\d+) s[\s\S]*?\}, ([\d_]+)\);/.exec(source);
  if (!match) throw new Error("src/main.ts: the forced-exit timer of the shutdown was not found");
  expect(Number(match[2]!.replaceAll("_", ""))).toBe(Number(match[1]) * 1000);
  return Number(match[1]);
})();

const NODE_SETS = ["xcord", "xcord-voice"];
const containerOf = (name: string) => find("StatefulSet", name).spec.template.spec.containers[0];
const podLabels = (name: string): Record<string, string> => find("StatefulSet", name).spec.template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

/** A container's environment as the kubelet builds it: ConfigMap, Secret, then `env` with $(VAR) expanded. */
const environmentOf = (container: Manifest, overrides: Record<string, string>, downward: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, find("ConfigMap", source.configMapRef.name).data);
    if (source.secretRef) Object.assign(env, find("Secret", source.secretRef.name).stringData);
  }
  for (const variable of container.env ?? []) {
    const value = variable.value ?? (variable.valueFrom?.fieldRef ? downward[variable.valueFrom.fieldRef.fieldPath] : undefined);
    if (value === undefined) throw new Error(`no value for ${variable.name}`);
    env[variable.name] = String(value).replace(/\$\(([A-Z0-9_]+)\)/g, (_match, name: string) => env[name] ?? `$(${name})`);
  }
  return { ...env, ...overrides };
};

describe("Kubernetes manifests", () => {
  test("every document is valid against the Kubernetes schemas (kubernetes-models)", async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(18);
    for (const manifest of manifests) {
      const { file, ...document } = manifest;
      await expect(validate(document as Manifest), `${file}: ${manifest.kind} ${manifest.metadata.name}`).resolves.toBeUndefined();
    }
    // The validator does refuse a wrong document.
    const broken = structuredClone(find("StatefulSet", "xcord"));
    broken.spec.template.spec.containers[0].ports[0].containerPort = "http";
    broken.spec.template.spec.terminationGracePeriodSeconds = "40s";
    await expect(validate(broken)).rejects.toThrow(/containerPort must be integer|terminationGracePeriodSeconds must be integer/);
  });

  test("there is each kind the issue asks for, all in the xcord namespace, and kustomization.yaml lists every file", () => {
    const kinds = new Set(manifests.map((manifest) => `${manifest.apiVersion} ${manifest.kind}`));
    for (const kind of ["apps/v1 StatefulSet", "apps/v1 Deployment", "policy/v1 PodDisruptionBudget", "autoscaling/v2 HorizontalPodAutoscaler", "v1 Service", "networking.k8s.io/v1 Ingress", "v1 ConfigMap", "v1 Secret", "batch/v1 Job"]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    for (const manifest of manifests) if (manifest.kind !== "Namespace") expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toBe("xcord");
    const kustomization = readYaml(`${DIR}/kustomization.yaml`) as { namespace: string; resources: string[]; images: Array<{ name: string }> };
    expect(kustomization.namespace).toBe("xcord");
    expect([...kustomization.resources].sort()).toEqual(files);
    // Every container image is one kustomization.yaml sets, built from the Dockerfile's targets.
    const images = new Set(manifests.flatMap((manifest) => (manifest.spec?.template?.spec?.containers ?? []).map((container: Manifest) => container.image)));
    expect([...images].sort()).toEqual(kustomization.images.map((image) => image.name).sort());
  });

  test("nodes: readiness on /ready, liveness on /health, and a preStop plus grace period that cover the drain", () => {
    for (const name of NODE_SETS) {
      const spec = find("StatefulSet", name).spec.template.spec;
      const container = containerOf(name);
      const port = container.ports.find((candidate: Manifest) => candidate.name === "http").containerPort;
      expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
      expect(container.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
      expect(container.startupProbe.httpGet.path).toBe("/health");
      expect(environmentOf(container, { JWT_SECRET: "x".repeat(32) }, { "status.hostIP": "203.0.113.7" }).PORT ?? "3000").toBe(String(port));
      const [command, seconds] = container.lifecycle.preStop.exec.command;
      expect(command).toBe("sleep");
      // The ingress stops sending during preStop; then SIGTERM and the drain; then a margin before SIGKILL.
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(seconds) + drainSeconds + 5);
      // A draining node leaves the ingress's endpoints within seconds of its /ready turning 503.
      expect(container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold).toBeLessThanOrEqual(Number(seconds));
    }
  });

  test("the container's command gives each pod a NODE_ID of its own from its ordinal, then execs Bun (SIGTERM reaches it)", async () => {
    expect(readRepoFile("Dockerfile")).toContain("COPY --from=bun /usr/local/bin/bun /usr/local/bin/bun");
    const work = mkdtempSync(join(tmpdir(), "xcord-k8s-"));
    try {
      // A stand-in for Bun that reports its pid, NODE_ID and arguments.
      const fakeBun = join(work, "bun");
      writeFileSync(fakeBun, '#!/bin/sh\necho "$$ $NODE_ID $*"\n');
      chmodSync(fakeBun, 0o755);
      const ids = new Set<string>();
      for (const name of NODE_SETS) {
        const container = containerOf(name);
        expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        const script = (container.command[2] as string).replace("/usr/local/bin/bun", fakeBun);
        expect(script).not.toBe(container.command[2]);
        const base = container.env.find((variable: Manifest) => variable.name === "NODE_ID_BASE").value;
        for (const ordinal of [0, 1, 7]) {
          const child = Bun.spawn(["sh", "-c", script], { env: { HOSTNAME: `${name}-${ordinal}`, NODE_ID_BASE: base, PATH: process.env.PATH ?? "" }, stdout: "pipe" });
          const [pid, nodeId, ...args] = (await new Response(child.stdout).text()).trim().split(" ");
          expect(await child.exited).toBe(0);
          expect(Number(pid)).toBe(child.pid); // exec: Bun is the shell's process, not its child
          expect(args).toEqual(["src/main.ts"]);
          expect(ids.has(nodeId!), `NODE_ID ${nodeId} twice`).toBe(false);
          ids.add(nodeId!);
          expect(loadConfig({ NODE_ID: nodeId }).nodeId).toBe(Number(base) + ordinal);
        }
        const bad = await run(["sh", "-c", script], { env: { HOSTNAME: "xcord-abc", NODE_ID_BASE: base } });
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain("no StatefulSet ordinal");
      }
      // The two sets' id ranges cannot meet: the main set scales to at most 512 pods.
      expect(find("HorizontalPodAutoscaler", "xcord").spec.maxReplicas).toBeLessThanOrEqual(512);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("pods run as the image's non-root users, without privileges", () => {
    const dockerfile = readRepoFile("Dockerfile");
    const users = [...dockerfile.matchAll(/^USER (\d+):(\d+)$/gm)].map((match) => Number(match[1]));
    for (const manifest of manifests) {
      const pod = manifest.spec?.template?.spec;
      if (!pod) continue;
      expect(pod.securityContext.runAsNonRoot, `${manifest.kind} ${manifest.metadata.name}`).toBe(true);
      expect(users).toContain(pod.securityContext.runAsUser);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      }
    }
  });

  test("Services, the PodDisruptionBudgets, the autoscaler and the Ingress select what exists", () => {
    for (const name of NODE_SETS) {
      const set = find("StatefulSet", name);
      expect(matches(set.spec.selector.matchLabels, podLabels(name))).toBe(true);
      expect(find("Service", set.spec.serviceName).spec.clusterIP).toBe("None");
      expect(matches(find("PodDisruptionBudget", name).spec.selector.matchLabels, podLabels(name))).toBe(true);
      expect(find("PodDisruptionBudget", name).spec.maxUnavailable).toBe(1);
    }
    const hpa = find("HorizontalPodAutoscaler", "xcord").spec;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "StatefulSet", name: "xcord" });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    const service = find("Service", "xcord");
    expect(matches(service.spec.selector, podLabels("xcord"))).toBe(true);
    expect(matches(service.spec.selector, podLabels("xcord-voice"))).toBe(false);
    const ingress = find("Ingress", "xcord");
    const paths = ingress.spec.rules[0].http.paths as Manifest[];
    for (const path of paths) {
      expect(path.backend.service.name).toBe("xcord");
      expect(service.spec.ports.map((port: Manifest) => port.name)).toContain(path.backend.service.port.name);
      expect(path.pathType).toBe("Prefix");
    }
    // Prefix paths match whole path segments: what clients use goes through, the node's internals do not.
    const routed = (url: string) => paths.some(({ path }) => url === path || url.startsWith(`${path}/`));
    for (const url of ["/api/v1/gateway", "/api/v10/channels/1/messages", "/api/users/@me", "/gateway", "/swagger", "/swagger/json", "/swagger/docs/rest.md", "/health"]) {
      expect(routed(url), url).toBe(true);
    }
    for (const url of ["/metrics", "/ready"]) expect(routed(url), url).toBe(false);
  });

  test("the Ingress keeps WebSockets open across heartbeats and takes the largest upload", () => {
    const annotations = find("Ingress", "xcord").metadata.annotations!;
    const config = loadConfig({});
    const heartbeatSeconds = config.gateway.heartbeatIntervalMs / 1000;
    for (const timeout of ["proxy-read-timeout", "proxy-send-timeout"]) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThanOrEqual(2 * heartbeatSeconds);
    }
    const body = /^(\d+)m$/.exec(annotations["nginx.ingress.kubernetes.io/proxy-body-size"] ?? "");
    expect(Number(body?.[1]) * 1024 * 1024).toBeGreaterThan(config.maxUploadBytes);
    expect(find("Ingress", "xcord").spec.ingressClassName).toBe("nginx");
  });

  test("PgBouncer runs the shipped pgbouncer.ini verbatim, its auth file from a Secret, and the nodes reach it", () => {
    const shipped = readRepoFile("deploy/pgbouncer/pgbouncer.ini");
    expect(find("ConfigMap", "pgbouncer-config").data["pgbouncer.ini"], `${DIR}/config.yaml's copy differs from deploy/pgbouncer/pgbouncer.ini`).toBe(shipped);
    const iniValue = (key: string) => shipped.split("\n").find((line) => line.startsWith(`${key} =`))?.split("=").slice(1).join("=").trim();
    const pod = find("Deployment", "pgbouncer").spec.template.spec;
    const mounts = pod.containers[0].volumeMounts as Manifest[];
    const mountOf = (path: string) => mounts.find((mount) => mount.mountPath === path);
    const volumeOf = (name: string) => (pod.volumes as Manifest[]).find((volume) => volume.name === name);
    expect(volumeOf(mountOf("/etc/pgbouncer/pgbouncer.ini")!.name)!.configMap.name).toBe("pgbouncer-config");
    const auth = mountOf(iniValue("auth_file")!)!;
    expect(volumeOf(auth.name)!.secret.secretName).toBe("pgbouncer-auth");
    expect(find("Secret", "pgbouncer-auth").stringData[auth.subPath]).toMatch(/^"xcord" ".+"\n$/);
    expect(pod.containers[0].args).toEqual(["/etc/pgbouncer/pgbouncer.ini"]);
    // [databases] * = host=postgres: the postgres Service; the nodes connect to the pgbouncer Service.
    expect(shipped).toMatch(/^\* = host=postgres port=5432$/m);
    expect(find("Service", "postgres").spec.type).toBe("ExternalName");
    expect(find("Service", "pgbouncer").spec.ports[0].port).toBe(Number(iniValue("listen_port")));
    const url = new URL(find("Secret", "xcord-secrets").stringData.DATABASE_URL);
    expect(`${url.hostname}:${url.port}`).toBe(`pgbouncer:${iniValue("listen_port")}`);
    expect(url.searchParams.get("pgbouncer")).toBe("true");
    expect(find("Secret", "xcord-secrets").stringData.REDIS_URL).toMatch(/^redis:\/\/redis:6379$/);
    find("Service", "redis");
  });

  test("each node's environment is a valid XCord configuration, and the placeholder secret refuses to start", () => {
    for (const name of NODE_SETS) {
      const container = containerOf(name);
      const downward = { "status.hostIP": "203.0.113.7" };
      expect(() => loadConfig(environmentOf(container, {}, downward))).toThrow("JWT_SECRET: expected at least 32 characters");
      const config = loadConfig(environmentOf(container, { JWT_SECRET: "a-real-secret-of-at-least-32-characters" }, downward));
      expect(config.migrateOnStart).toBe(false);
      expect(config.trustProxy).toBe(true);
      if (name === "xcord-voice") {
        expect(config.roles.has("voice")).toBe(true);
        expect(config.roles.has("worker")).toBe(false);
        expect(config.mediasoup.workers).toBeGreaterThan(0);
        expect(config.mediasoup.announcedAddress).toBe("203.0.113.7");
        expect(config.publicUrl).toBe(`http://203.0.113.7:${config.port}`);
      } else {
        expect(config.roles.has("voice")).toBe(false);
        expect(config.roles.has("worker")).toBe(true);
      }
    }
    const voice = find("StatefulSet", "xcord-voice").spec.template.spec;
    expect(voice.hostNetwork).toBe(true);
    expect(voice.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(voice.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
  });

  test("the migration Job runs `bun run migrate` straight against PostgreSQL", () => {
    const job = find("Job", "xcord-migrate");
    expect(job.metadata.labels!["app.kubernetes.io/component"]).toBe("migrate");
    // Only the Job carries that label: `kubectl apply -l app.kubernetes.io/component!=migrate` applies the rest.
    expect(manifests.filter((manifest) => manifest.metadata.labels?.["app.kubernetes.io/component"] === "migrate")).toHaveLength(1);
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(["/usr/local/bin/bun", "run", "migrate"]);
    expect(container.env.find((variable: Manifest) => variable.name === "DATABASE_URL").valueFrom.secretKeyRef).toEqual({ name: "xcord-secrets", key: "MIGRATION_DATABASE_URL" });
    const url = new URL(find("Secret", "xcord-secrets").stringData.MIGRATION_DATABASE_URL);
    expect(`${url.hostname}:${url.port}${url.search}`).toBe("postgres:5432");
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
  });
});
