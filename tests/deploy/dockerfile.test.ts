/**
 * The Dockerfile (issue 17, item 2), checked without a container engine: its instructions are parsed and held to
 * the rules below, and its build steps — scripts in deploy/docker/ — are run here as the image build runs them.
 */
import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, posix } from "node:path";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { REPO, readRepoFile, repoPath, run } from "./deploy-support";

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

/** Dockerfile instructions, continuation lines joined, comments and parser directives dropped. */
const parseDockerfile = (text: string): { args: Map<string, string>; stages: Stage[] } => {
  const instructions: Instruction[] = [];
  let pending = "";
  let startLine = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) return;
    if (pending !== "" && line.startsWith("#")) return;
    if (pending === "") startLine = index + 1;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = pending + line;
    pending = "";
    const [keyword = "", ...rest] = full.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(" "), line: startLine });
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === "AS" && name ? name : `stage-${stages.length}`, from: image, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === "ARG") {
        const [key = "", value = ""] = instruction.args.split("=");
        args.set(key, value);
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
};

/** An exec-form argument list (a JSON array), or undefined for shell form. */
const execForm = (args: string): string[] | undefined => {
  if (!args.trim().startsWith("[")) return undefined;
  const parsed = JSON.parse(args) as unknown;
  return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : undefined;
};

/** Flags (`--from=…`, `--mount=…`) stripped off an instruction's arguments. */
const withoutFlags = (args: string): { flags: string[]; words: string[] } => {
  const words = args.split(/\s+/).filter(Boolean);
  const flags = words.filter((word) => word.startsWith("--"));
  return { flags, words: words.filter((word) => !word.startsWith("--")) };
};

const dockerfile = parseDockerfile(readRepoFile("Dockerfile"));
const stageNamed = (name: string): Stage => {
  const stage = dockerfile.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
  return stage;
};
const finalStage = dockerfile.stages.at(-1)!;
const last = (stage: Stage, keyword: string): Instruction | undefined => stage.instructions.filter((i) => i.keyword === keyword).at(-1);
const SCRIPTS_DIR = "deploy/docker";
const scripts = readdirSync(repoPath(SCRIPTS_DIR)).filter((file) => file.endsWith(".sh"));

describe("Dockerfile", () => {
  test("is multi-stage: a build stage, the pgbouncer image and the node image last (the default target)", () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(["bun", "build", "pgbouncer", "xcord"]);
    // Build and runtime stages on one Debian release: the worker is linked against its libraries.
    expect(stageNamed("build").from).toBe("debian:${DEBIAN_RELEASE}-slim");
    expect(finalStage.from).toBe("debian:${DEBIAN_RELEASE}-slim");
    expect(dockerfile.args.get("DEBIAN_RELEASE")).toBe("bookworm");
    // Bun pinned to a release, never a moving tag.
    expect(dockerfile.args.get("BUN_VERSION")).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("every RUN step runs a script of deploy/docker/ that an earlier instruction of its stage copied in", () => {
    let runs = 0;
    for (const stage of dockerfile.stages) {
      const copied = new Map<string, string>(); // path in the image → path in the repository
      const contextCopies: string[] = []; // directories `COPY . <dir>` filled with the whole build context
      let workdir = "/";
      for (const instruction of stage.instructions) {
        if (instruction.keyword === "WORKDIR") workdir = posix.resolve(workdir, instruction.args);
        if (instruction.keyword === "COPY") {
          const { flags, words } = withoutFlags(instruction.args);
          const destination = posix.resolve(workdir, words.at(-1)!);
          const fromBuild = flags.some((flag) => flag === "--from=build");
          if (!fromBuild && words.length === 2 && words[0] === ".") contextCopies.push(destination);
          for (const source of words.slice(0, -1)) {
            // From the build stage, /app is the output of build.sh, which copies deploy/docker/ as it is.
            const repoSource = fromBuild ? source.replace(/^\/app\//, "") : source;
            const target = words.at(-1)!.endsWith("/") ? posix.join(destination, basename(source)) : destination;
            copied.set(target, repoSource);
          }
        }
        if (instruction.keyword !== "RUN") continue;
        runs++;
        const { words } = withoutFlags(instruction.args);
        const script = posix.resolve(workdir, words[0]!);
        const context = contextCopies.find((dir) => script.startsWith(`${dir}/`));
        const source = copied.get(script) ?? (context ? posix.relative(context, script) : undefined);
        expect(source, `line ${instruction.line}: RUN ${instruction.args} runs ${script}, which no COPY of stage ${stage.name} put there`).toBeDefined();
        expect(source!.startsWith(`${SCRIPTS_DIR}/`), `line ${instruction.line}: ${source} is not in ${SCRIPTS_DIR}/`).toBe(true);
        const file = repoPath(source!);
        expect(existsSync(file), `${source} does not exist`).toBe(true);
        expect(statSync(file).mode & 0o111, `${source} is not executable`).not.toBe(0);
      }
    }
    expect(runs).toBeGreaterThanOrEqual(5);
  });

  test("every script in deploy/docker/ is used by the Dockerfile and is valid bash", async () => {
    const text = readRepoFile("Dockerfile");
    for (const script of scripts) {
      expect(text.includes(script), `${SCRIPTS_DIR}/${script} is not used by the Dockerfile`).toBe(true);
      const { code, stderr } = await run(["bash", "-n", repoPath(`${SCRIPTS_DIR}/${script}`)]);
      expect(code, stderr).toBe(0);
    }
  });

  test("the node runs as a non-root user that create-user.sh creates, with DATA_DIR its only writable directory", async () => {
    const user = last(finalStage, "USER")?.args;
    expect(user).toBeDefined();
    const [uid = "", gid = ""] = user!.split(":");
    expect(uid).toMatch(/^\d+$/); // numeric, so Kubernetes' runAsNonRoot can check it
    expect(Number(uid)).toBeGreaterThan(0);
    // The USER instruction comes after every RUN: nothing after it runs as root.
    const index = finalStage.instructions.indexOf(last(finalStage, "USER")!);
    expect(finalStage.instructions.slice(index).some((i) => i.keyword === "RUN")).toBe(false);
    const { code, stdout } = await run(["bash", repoPath(`${SCRIPTS_DIR}/create-user.sh`), "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`--uid ${uid} --gid ${gid}`);
    expect(stdout).toContain(`-o ${uid} -g ${gid} -m 0750 /data`);
    expect(finalStage.instructions.some((i) => i.keyword === "ENV" && /\bDATA_DIR=\/data\b/.test(i.args))).toBe(true);
    // PgBouncer's image: the `postgres` user install-pgbouncer.sh creates with a fixed uid before the package does.
    expect(last(stageNamed("pgbouncer"), "USER")?.args).toBe("10002:10002");
    expect(readRepoFile(`${SCRIPTS_DIR}/install-pgbouncer.sh`)).toMatch(/PGBOUNCER_UID=10002\n/);
  });

  test("SIGTERM reaches Bun: STOPSIGNAL SIGTERM and an exec-form ENTRYPOINT that is Bun itself, no shell between", () => {
    expect(last(finalStage, "STOPSIGNAL")?.args).toBe("SIGTERM");
    const entrypoint = execForm(last(finalStage, "ENTRYPOINT")?.args ?? "");
    expect(entrypoint).toEqual(["/usr/local/bin/bun"]);
    const cmd = execForm(last(finalStage, "CMD")?.args ?? "");
    expect(cmd).toEqual(["src/main.ts"]);
    expect(existsSync(repoPath(cmd![0]!))).toBe(true);
    // main.ts is the process that handles the signal (it drains and exits 0).
    expect(readRepoFile("src/main.ts")).toContain('process.on("SIGTERM"');
    // PgBouncer's image: its entrypoint execs PgBouncer, which stops safely on SIGINT.
    expect(last(stageNamed("pgbouncer"), "STOPSIGNAL")?.args).toBe("SIGINT");
    expect(execForm(last(stageNamed("pgbouncer"), "ENTRYPOINT")?.args ?? "")).toBeDefined();
    expect(readRepoFile(`${SCRIPTS_DIR}/pgbouncer-entrypoint.sh`)).toMatch(/\nexec "\$pgbouncer" "\$config"\n/);
  });

  test("HEALTHCHECK runs healthcheck.sh in exec form; EXPOSE has HTTP and the default voice port range", () => {
    const healthcheck = last(finalStage, "HEALTHCHECK")?.args ?? "";
    const cmd = healthcheck.slice(healthcheck.indexOf("CMD") + 3).trim();
    expect(execForm(cmd)).toEqual(["/app/deploy/docker/healthcheck.sh"]);
    expect(healthcheck).toMatch(/--start-period=\d+s/);
    const config = loadConfig({});
    const exposed = last(finalStage, "EXPOSE")?.args.split(/\s+/) ?? [];
    const range = `${config.mediasoup.rtcMinPort}-${config.mediasoup.rtcMaxPort}`;
    expect(exposed).toEqual([`${config.port}/tcp`, `${range}/udp`, `${range}/tcp`]);
  });

  test(".dockerignore keeps dependencies, local data and the git history out of the build context", () => {
    const ignored = readRepoFile(".dockerignore").split("\n").map((line) => line.trim());
    for (const entry of [".git", "**/node_modules", "data", "tests"]) expect(ignored).toContain(entry);
    // …but never what build.sh copies into the image.
    for (const needed of ["src", "drizzle", "docs", "scripts", "deploy/docker", "deploy/pgbouncer"]) expect(ignored).not.toContain(needed);
  });
});

describe("the Dockerfile's steps, run here", () => {
  test("install-build-deps.sh installs the worker's build packages (the list build-worker.sh uses), all present here", async () => {
    const list = await run(["bash", repoPath(`${SCRIPTS_DIR}/install-build-deps.sh`), "--list"]);
    expect(list.code).toBe(0);
    const workerPackages = readRepoFile("scripts/mediasoup/apt-packages.txt").split("\n").filter((line) => line.trim() && !line.startsWith("#"));
    expect(list.stdout.trim().split("\n")).toEqual([...workerPackages, "python3", "ca-certificates"]);
    const check = await run(["bash", repoPath(`${SCRIPTS_DIR}/install-build-deps.sh`), "--check"]);
    expect(check.code, `${check.stderr} (as root: apt-get install -y $(deploy/docker/install-build-deps.sh --list))`).toBe(0);
  });

  test(
    "build.sh lays out a production install with the worker; the built node starts, passes healthcheck.sh and drains on SIGTERM",
    async () => {
      const work = mkdtempSync(join(tmpdir(), "xcord-image-"));
      try {
        // The worker of this mediasoup version, as BuildKit's cache holds it between builds (no 4-minute rebuild).
        const version = (JSON.parse(readRepoFile("node_modules/mediasoup/package.json")) as { version: string }).version;
        const worker = repoPath("node_modules/mediasoup/worker/out/Release/mediasoup-worker");
        expect(existsSync(worker), "mediasoup's worker is not built: run scripts/mediasoup/build-worker.sh").toBe(true);
        mkdirSync(join(work, "cache"));
        copyFileSync(worker, join(work, "cache", `mediasoup-worker-${version}`));

        const out = join(work, "app");
        const build = await run(["bash", repoPath(`${SCRIPTS_DIR}/build.sh`), REPO, out], {
          env: { XCORD_MEDIASOUP_CACHE: join(work, "cache") },
          timeoutMs: 150_000,
        });
        expect(build.code, build.stderr.slice(-3000)).toBe(0);
        expect(existsSync(join(out, "node_modules/mediasoup/worker/out/Release/mediasoup-worker"))).toBe(true);
        for (const devOnly of ["drizzle-kit", "fast-check", "playwright-core", "kubernetes-models"]) {
          expect(existsSync(join(out, "node_modules", devOnly)), `dev dependency ${devOnly} in the image`).toBe(false);
        }
        for (const path of ["src/main.ts", "scripts/migrate.ts", "drizzle/meta/_journal.json", "docs/rest.md", "deploy/docker/healthcheck.sh"]) {
          expect(existsSync(join(out, path)), path).toBe(true);
        }
        // The runtime stage installs the worker's libraries, found from the binary itself.
        const packages = readFileSync(join(out, ".runtime-packages"), "utf8").trim().split("\n");
        expect(packages).toEqual(expect.arrayContaining(["libssl3", "libuv1"]));
        expect(packages.some((name) => name.endsWith("-dev"))).toBe(false);
        const runtime = await run(["bash", repoPath(`${SCRIPTS_DIR}/install-runtime-deps.sh`), "--check", join(out, ".runtime-packages")]);
        expect(runtime.code, runtime.stderr).toBe(0);

        // The image's command, from the image's layout: bun src/main.ts in /app.
        const node = Bun.spawn(["bun", "src/main.ts"], {
          cwd: out,
          env: { PATH: process.env.PATH ?? "", HOME: join(work, "data"), BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", PORT: "0", HOST: "127.0.0.1", DATA_DIR: join(work, "data"), MEDIASOUP_WORKERS: "1", LOG_PRETTY: "false" },
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
        });
        try {
          const url = await listeningUrl(node.stdout, 30_000);
          const healthy = await run(["bash", join(out, "deploy/docker/healthcheck.sh"), `${url}/health`]);
          expect(healthy.code, healthy.stderr).toBe(0);
          const ready = (await (await fetch(`${url}/ready`)).json()) as { checks: Record<string, { status: string }> };
          expect(ready.checks.sfu?.status).toBe("up"); // voice works from the built worker
          // healthcheck.sh reads the answer: a 200 that is not /health's {"status":"ok"} is unhealthy.
          expect((await run(["bash", join(out, "deploy/docker/healthcheck.sh"), `${url}/ready`])).code).toBe(1);
          node.kill("SIGTERM");
          expect(await node.exited).toBe(0);
          const down = await run(["bash", join(out, "deploy/docker/healthcheck.sh"), `${url}/health`]);
          expect(down.code).toBe(1);
        } finally {
          node.kill("SIGKILL");
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    { timeout: 180_000 },
  );
});

/** The URL of the node's "xcord listening" log line. */
const listeningUrl = async (stdout: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> => {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = stdout.getReader();
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the node did not log "xcord listening" within ${timeoutMs} ms`);
      buffer += decoder.decode(value, { stream: true });
      for (const line of buffer.split("\n")) {
        if (!line.startsWith("{")) continue;
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === "xcord listening" && parsed.url) return parsed.url;
      }
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
};
