/**
 * Hosts in network namespaces for the topology suite and `bun run cluster`: a bridge in the root namespace with
 * the first address of a private /24, and one namespace per host joined to it by a veth pair (the host's end is
 * `eth0` with its own address). Cutting a host off takes the root side of its veth down: the process inside keeps
 * running and keeps its sockets, but nothing reaches it until the link comes back.
 *
 * Every name carries the pid of the process that made it, so leftovers of a run that died (SIGKILL, a crash)
 * are found and removed by the next run (reapStaleNetworks).
 */
import { isRoot } from "./deps";
import { isAlive, log, mustRun, run, signalSafe, waitUntil } from "./proc";

/** One host: its namespace, its address on the bridge and the root-side end of its veth. */
export interface NetHost {
  readonly index: number;
  readonly namespace: string;
  readonly address: string;
  readonly rootVeth: string;
}

/** A bridge with hosts on it. */
export interface Network {
  /** The bridge's own address in the root namespace: where services the hosts reach listen. */
  readonly gateway: string;
  readonly hosts: readonly NetHost[];
  /** Prefix a command so that it runs inside `host`'s namespace. */
  exec(host: NetHost, cmd: readonly string[]): string[];
  /** Take the host's link down (the process inside stays alive and keeps its sockets). */
  cut(host: NetHost): Promise<void>;
  /** Bring it back. */
  restore(host: NetHost): Promise<void>;
  /** Kill what still runs in the namespaces and remove namespaces, veths and bridge (idempotent). */
  destroy(): Promise<void>;
}

const NAMESPACE_PREFIX = "xcord-topo-";
/** Interface names are at most 15 characters: `xt<pid>br` for the bridge, `xt<pid>h<n>` for the root-side veths. */
const LINK_PATTERN = /^xt(\d+)(?:br|h\d+)$/;
const NAMESPACE_PATTERN = /^xcord-topo-(\d+)-\d+$/;

/** Null when namespaces can be made here, else why not (one line). */
export async function netnsUnavailable(): Promise<string | null> {
  if (!isRoot()) return "network namespaces need root (run as root, e.g. in CI's container)";
  if (!Bun.which("ip")) return "`ip` (Debian's iproute2) is not installed";
  const probe = `${NAMESPACE_PREFIX}probe-${process.pid}`;
  const added = await run(["ip", "netns", "add", probe]);
  if (added.code !== 0) return `\`ip netns add\` fails here: ${added.output.trim()}`;
  await run(["ip", "netns", "del", probe]);
  const bridge = `xt${process.pid}br`;
  const bridged = await run(["ip", "link", "add", bridge, "type", "bridge"]);
  if (bridged.code !== 0) return `cannot create a bridge here: ${bridged.output.trim()}`;
  await run(["ip", "link", "del", bridge]);
  return null;
}

/** Processes running inside a namespace. */
async function pidsIn(namespace: string): Promise<number[]> {
  const listed = await run(["ip", "netns", "pids", namespace]);
  return listed.code === 0 ? listed.output.split(/\s+/).filter(Boolean).map(Number) : [];
}

/** SIGKILL everything in the namespace and delete it. */
async function removeNamespace(namespace: string): Promise<void> {
  for (const pid of await pidsIn(namespace)) signalSafe(pid, "SIGKILL");
  await waitUntil(async () => (await pidsIn(namespace)).every((pid) => !isAlive(pid)), 5_000, 50);
  await run(["ip", "netns", "del", namespace]);
}

/** Remove namespaces and links of runs whose process is gone (the probe's too). */
export async function reapStaleNetworks(): Promise<void> {
  await removeNetworksOf((owner) => !isAlive(owner), "left by dead run");
}

/** Remove this process's namespaces (killing what runs in them) and links at once: for an interrupted run. */
export async function removeOwnNetworks(): Promise<void> {
  await removeNetworksOf((owner) => owner === process.pid, "of this interrupted run");
}

async function removeNetworksOf(owned: (owner: number) => boolean, why: string): Promise<void> {
  if (!isRoot() || !Bun.which("ip")) return;
  const namespaces = (await run(["ip", "netns", "list"])).output.split("\n").map((line) => line.split(" ")[0] ?? "");
  for (const namespace of namespaces) {
    const owner = NAMESPACE_PATTERN.exec(namespace)?.[1] ?? /^xcord-topo-probe-(\d+)$/.exec(namespace)?.[1];
    if (owner === undefined || !owned(Number(owner))) continue;
    log(`removing network namespace ${namespace} ${why} ${owner}`);
    await removeNamespace(namespace);
  }
  const links = (await run(["ip", "-o", "link", "show"])).output.split("\n").map((line) => line.split(": ")[1]?.split("@")[0] ?? "");
  for (const link of links) {
    const owner = LINK_PATTERN.exec(link)?.[1];
    if (owner === undefined || !owned(Number(owner))) continue;
    log(`removing link ${link} ${why} ${owner}`);
    await run(["ip", "link", "del", link]);
  }
}

/** The private /24 of this run: 10.211.<1..250>.0, picked from the pid so that two concurrent runs differ. */
const subnetOf = (pid: number): string => `10.211.${(pid % 250) + 1}`;

/**
 * Create the bridge and `count` hosts (addresses .11, .12, ...). On failure what was made is removed again;
 * on success the caller must call destroy().
 */
export async function createNetwork(count: number): Promise<Network> {
  const tag = `xt${process.pid}`;
  const subnet = subnetOf(process.pid);
  const bridge = `${tag}br`;
  const gateway = `${subnet}.1`;
  const hosts: NetHost[] = Array.from({ length: count }, (_, i) => ({
    index: i + 1,
    namespace: `${NAMESPACE_PREFIX}${process.pid}-${i + 1}`,
    address: `${subnet}.${11 + i}`,
    rootVeth: `${tag}h${i + 1}`,
  }));
  let destroyed: Promise<void> | null = null;
  const destroy = () =>
    (destroyed ??= (async () => {
      for (const host of hosts) await removeNamespace(host.namespace); // its veth end goes with it, and so the pair
      await run(["ip", "link", "del", bridge]);
    })());
  try {
    await mustRun(["ip", "link", "add", bridge, "type", "bridge"]);
    await mustRun(["ip", "addr", "add", `${gateway}/24`, "dev", bridge]);
    await mustRun(["ip", "link", "set", bridge, "up"]);
    for (const host of hosts) {
      const peer = `${tag}p${host.index}`;
      await mustRun(["ip", "netns", "add", host.namespace]);
      await mustRun(["ip", "link", "add", host.rootVeth, "type", "veth", "peer", "name", peer]);
      await mustRun(["ip", "link", "set", peer, "netns", host.namespace]);
      await mustRun(["ip", "link", "set", host.rootVeth, "master", bridge, "up"]);
      const inside = (...args: string[]) => mustRun(["ip", "-n", host.namespace, ...args]);
      await inside("link", "set", "lo", "up");
      await inside("link", "set", peer, "name", "eth0");
      await inside("addr", "add", `${host.address}/24`, "dev", "eth0");
      await inside("link", "set", "eth0", "up");
      await inside("route", "add", "default", "via", gateway);
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    gateway,
    hosts,
    exec: (host, cmd) => ["ip", "netns", "exec", host.namespace, ...cmd],
    cut: async (host) => void (await mustRun(["ip", "link", "set", host.rootVeth, "down"])),
    restore: async (host) => void (await mustRun(["ip", "link", "set", host.rootVeth, "up"])),
    destroy,
  };
}
