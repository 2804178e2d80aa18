import { resolve } from "node:path";
import type { Subprocess } from "bun";

const MAIN = resolve(import.meta.dir, "../../src/main.ts");

/** A node started as its own process with `bun run src/main.ts`, as an operator would. */
export interface NodeProcess {
  readonly url: string;
  readonly process: Subprocess<"ignore", "pipe", "pipe">;
  /** Log lines printed so far, parsed. */
  readonly lines: Array<Record<string, unknown>>;
  /** What the node printed on stderr so far (the human ready line, start errors). */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts a node and resolves once it logged the address it listens on. */
export const spawnNode = async (env: Record<string, string>, timeoutMs = 20_000): Promise<NodeProcess> => {
  const child = Bun.spawn(["bun", "run", MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", HOST: "127.0.0.1", MEDIASOUP_WORKERS: "1", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`node did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of child.stdout) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            lines.push(parsed);
            if (parsed.msg === "xcord listening") {
              clearTimeout(timer);
              done(String(parsed.url));
            }
          } catch {
            // not JSON: ignored
          }
        }
      }
      clearTimeout(timer);
      fail(new Error(`node exited before listening: ${stderr}`));
    })();
  });
  return {
    url,
    process: child,
    lines,
    stderr: () => stderr,
    async stop(signal = "SIGTERM") {
      child.kill(signal);
      return child.exited;
    },
  };
};

/** What a node that failed to start left behind. */
export interface FailedStart {
  readonly code: number;
  readonly stderr: string;
  readonly stdout: string;
}

/** Starts a node expected to refuse to start, and resolves with its exit code and output once it exits. */
export const runNodeToExit = async (env: Record<string, string>): Promise<FailedStart> => {
  const child = Bun.spawn(["bun", "run", MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", HOST: "127.0.0.1", MEDIASOUP_WORKERS: "0", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
};
