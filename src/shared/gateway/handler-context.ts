import type { TSchema } from "@sinclair/typebox";
import type { Topic } from "../kernel/domain-event";
import { topics } from "../kernel/domain-event";
import type { EventStream } from "../kernel/ports";
import type { GatewayAuthenticator, GuildMemberDirectory, PresenceTracker, ReadyContribution, ReadyContributor, Viewer, VoiceStateHandler } from "./gateway-ports";
import type { GatewaySession } from "./gateway-session";
import type { IdentifyBudget } from "./identify-budget";
import type { ResumeStore } from "./resume-store";
import type { Tracing } from "../infrastructure/tracing/tracing";

export interface HandlerDeps {
  readonly authenticate: GatewayAuthenticator;
  readonly contributors: readonly ReadyContributor[];
  readonly presence: PresenceTracker;
  readonly voice?: VoiceStateHandler;
  /** Guild members for op 8 and a bot's GUILD_CREATE; without it op 8 answers empty chunks. */
  readonly members?: GuildMemberDirectory;
  /** Sessions a user may start per day (GET /gateway/bot's session_start_limit); unlimited without it. */
  readonly identifyBudget?: IdentifyBudget;
  readonly resume: ResumeStore;
  readonly stream: EventStream;
  readonly resumeUrl: () => string;
  readonly now: () => number;
  /** A session with this id is live on this node (an old socket of a resumed session). */
  readonly takeOver: (session: GatewaySession) => void;
  readonly bindAuthSession: (session: GatewaySession) => void;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
  /** A span per frame a client sends (heartbeats aside), when tracing is on. */
  readonly tracing?: Tracing;
}

export interface HandlerContext {
  readonly session: GatewaySession;
  readonly deps: HandlerDeps;
  close(code: number, reason: string): void;
}

/** When an opcode may be sent: before IDENTIFY/RESUME, after, or either. */
export type Phase = "unauthenticated" | "authenticated" | "any";

export interface OpHandler {
  readonly schema: TSchema;
  readonly phase: Phase;
  handle(context: HandlerContext, payload: never): Promise<void> | void;
}

/** READY's parts from every domain, merged; `topics` are what the session must hear. */
export type GatheredReady = ReadyContribution & {
  topics: Topic[];
  guilds: unknown[];
  private_channels: unknown[];
  relationships: unknown[];
  read_state: unknown[];
  presences: unknown[];
  voice_states: unknown[];
};

export const gatherReady = async (deps: HandlerDeps, viewer: Viewer): Promise<GatheredReady> => {
  const parts = await Promise.all(deps.contributors.map((contribute) => contribute(viewer)));
  const merged = {
    guilds: [] as unknown[],
    private_channels: [] as unknown[],
    relationships: [] as unknown[],
    read_state: [] as unknown[],
    presences: [] as unknown[],
    voice_states: [] as unknown[],
    topics: [topics.user(viewer.userId)] as Topic[],
    user: undefined as unknown,
  };
  for (const part of parts) {
    merged.user ??= part.user;
    merged.guilds.push(...(part.guilds ?? []));
    merged.private_channels.push(...(part.private_channels ?? []));
    merged.relationships.push(...(part.relationships ?? []));
    merged.read_state.push(...(part.read_state ?? []));
    merged.presences.push(...(part.presences ?? []));
    merged.voice_states.push(...(part.voice_states ?? []));
    merged.topics.push(...(part.topics ?? []));
  }
  return merged;
};

/**
 * Runs `work` in the session's queue (after what is queued, before what comes next) and settles with it. READY and
 * RESUMED are built there; if that fails (the database unreachable, say), the failure reaches the frame handler,
 * which closes with 4000 so the client reconnects, instead of leaving a session that never gets its READY.
 */
export const inQueue = (session: GatewaySession, work: () => Promise<void>): Promise<void> =>
  new Promise((resolve, reject) => void session.enqueue(() => work().then(resolve, reject)));
