import type { KeyValueStore } from "../../../shared/kernel/ports";

/** A node whose SFU can host rooms. */
export interface VoiceNode {
  readonly nodeId: number;
  readonly endpoint: string;
  readonly rooms: number;
}

/** The cluster's voice nodes: which are alive, and where a new call should go. */
export interface VoiceNodes {
  /** This node when it can host rooms, else the least-loaded live voice node, or null when none can. */
  pick(): Promise<VoiceNode | null>;
  isAlive(nodeId: number): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
}

const REGISTRY = "voice:nodes";
const MAX_NODES = 1024;
const nodeKey = (nodeId: number) => `voice:node:${nodeId}`;

/**
 * A registry in the key-value store: each voice node writes `voice:node:<id>` (endpoint and room count) with a
 * short expiry and refreshes it while its SFU is ready; a node that dies or loses its workers drops out within
 * `ttlMs`. The list `voice:nodes` names the candidates.
 */
export const kvVoiceNodes = (deps: {
  readonly kv: KeyValueStore;
  readonly nodeId: number;
  /** Null while this node cannot host rooms (no voice role, or the SFU is unavailable). */
  readonly self: () => { endpoint: string; rooms: number } | null;
  readonly ttlMs: number;
  readonly onError: (error: unknown) => void;
}): VoiceNodes => {
  const { kv, nodeId, ttlMs } = deps;
  let timer: ReturnType<typeof setInterval> | undefined;

  const announce = async () => {
    const self = deps.self();
    if (!self) return void (await kv.delete(nodeKey(nodeId)));
    await kv.set(nodeKey(nodeId), JSON.stringify({ nodeId, ...self }), ttlMs);
    const known = await kv.listRange(REGISTRY);
    if (!known.includes(String(nodeId))) await kv.listPush(REGISTRY, String(nodeId), MAX_NODES, 24 * 3600_000);
  };

  const live = async (): Promise<VoiceNode[]> => {
    const ids = [...new Set(await kv.listRange(REGISTRY))];
    const values = await Promise.all(ids.map((id) => kv.get(nodeKey(Number(id)))));
    return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as VoiceNode);
  };

  return {
    async pick() {
      // A node that hosts voice keeps its own gateway users' calls (its SFU spreads rooms over its workers); nodes
      // without voice (XCORD_ROLES) send calls to the least-loaded voice node.
      const self = deps.self();
      if (self) return { nodeId, ...self };
      const others = (await live()).filter((node) => node.nodeId !== nodeId);
      return others.reduce<VoiceNode | null>((best, node) => (best === null || node.rooms < best.rooms ? node : best), null);
    },
    async isAlive(id) {
      if (id === nodeId) return deps.self() !== null;
      return (await kv.get(nodeKey(id))) !== null;
    },
    start() {
      const tick = () => void announce().catch(deps.onError);
      tick();
      timer = setInterval(tick, Math.max(250, ttlMs / 3));
      timer.unref?.();
    },
    async stop() {
      clearInterval(timer);
      await kv.delete(nodeKey(nodeId)).catch(deps.onError);
    },
  };
};
