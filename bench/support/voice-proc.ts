/** What `bench voice` reads from /proc: a process's CPU time, and the drops of UDP sockets. */
import { readFileSync } from "node:fs";

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds `pid` has used (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
export const workerCpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
};

/** Datagrams the kernel dropped on loopback UDP sockets bound to `ports` (the last column of /proc/net/udp). */
export const socketDrops = (ports: readonly number[]): number => {
  const wanted = new Set(ports);
  let drops = 0;
  for (const line of readFileSync("/proc/net/udp", "utf8").split("\n").slice(1)) {
    const columns = line.trim().split(/\s+/);
    const port = Number.parseInt(columns[1]?.split(":")[1] ?? "", 16);
    if (wanted.has(port)) drops += Number(columns.at(-1));
  }
  return drops;
};

/** Seconds `pid` spent runnable but waiting for a CPU (second field of /proc/<pid>/schedstat, in ns). */
export const runQueueSeconds = (pid: number): number => Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
