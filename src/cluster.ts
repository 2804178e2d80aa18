import type { Subprocess } from "bun";
import type { Config } from "./shared/infrastructure/config";

/**
 * Cluster mode: `WORKERS=N bun run start` runs N node processes that share the port through SO_REUSEPORT,
 * so the kernel spreads connections across them (one process here may hold at most 20,000 open files).
 * Each worker is a full node with NODE_ID + its index; they meet through PostgreSQL and Redis.
 * Signals are passed on; the supervisor exits when every worker has, with the first failure's code.
 */
export const runCluster = async (config: Config, entry: string): Promise<number> => {
  const workers: Subprocess[] = [];
  for (let index = 0; index < config.workers; index++) {
    workers.push(
      Bun.spawn(["bun", "run", entry], {
        env: { ...process.env, WORKERS: "1", XCORD_WORKERS: "1", NODE_ID: String(config.nodeId + index), XCORD_REUSE_PORT: "1" },
        stdin: "ignore",
        stdout: "inherit",
        stderr: "inherit",
      }),
    );
  }
  const forward = (signal: NodeJS.Signals) => () => {
    for (const worker of workers) worker.kill(signal);
  };
  process.on("SIGTERM", forward("SIGTERM"));
  process.on("SIGINT", forward("SIGINT"));
  const codes = await Promise.all(
    workers.map(async (worker) => {
      const code = await worker.exited;
      // One worker dying takes the cluster down, so a process manager restarts it whole.
      if (code !== 0) forward("SIGTERM")();
      return code;
    }),
  );
  return codes.find((code) => code !== 0) ?? 0;
};
