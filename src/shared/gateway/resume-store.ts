import type { KeyValueStore } from "../kernel/ports";
import { RESUME_BUFFER_LENGTH } from "./gateway-protocol";

/** What a node must know to resume a session it never saw. */
export interface SessionRecord {
  readonly userId: string;
  /** The identity session (token family) the gateway session was opened with. */
  readonly authSessionId: string;
  /** When the session last took an event, in ms: where a resume catches up from the event stream. */
  readonly lastEventAt: number;
  /** The sequence number last sent, counting READY and RESUMED, which are not buffered. */
  readonly seq: number;
}

/** A dispatch as it was sent, with the event it came from (for de-duplication on resume). */
export interface BufferedDispatch {
  readonly s: number;
  readonly t: string;
  readonly d: unknown;
  readonly eventId?: string;
}

const metaKey = (id: string) => `gw:session:${id}`;
const bufferKey = (id: string) => `gw:replay:${id}`;

/**
 * Gateway sessions' resume state in the shared key-value store (Redis in production), so a client that
 * dropped from one node resumes on any other within the resume window. Entries expire with the window.
 */
export const createResumeStore = (kv: KeyValueStore, windowMs: number) => ({
  /** Records (or refreshes) a live session; the window restarts from now. */
  save: (id: string, record: SessionRecord) => kv.set(metaKey(id), JSON.stringify(record), windowMs),

  /** The session, or null when unknown or expired. */
  async load(id: string): Promise<SessionRecord | null> {
    const raw = await kv.get(metaKey(id));
    return raw ? (JSON.parse(raw) as SessionRecord) : null;
  },

  /** Appends a sent dispatch whose payload is already JSON; the buffer keeps the newest RESUME_BUFFER_LENGTH. */
  appendSerialized: (id: string, s: number, t: string, json: string, eventId?: string) =>
    kv.listPush(
      bufferKey(id),
      `{"s":${s},"t":${JSON.stringify(t)},"d":${json}${eventId === undefined ? "" : `,"eventId":${JSON.stringify(eventId)}`}}`,
      RESUME_BUFFER_LENGTH,
      windowMs,
    ),

  /** Every buffered dispatch, oldest first. */
  async buffered(id: string): Promise<BufferedDispatch[]> {
    return (await kv.listRange(bufferKey(id))).map((raw) => JSON.parse(raw) as BufferedDispatch);
  },

  /** Forgets a session: it can no longer be resumed. */
  forget: (id: string) => kv.delete(metaKey(id), bufferKey(id)).then(() => undefined),
});

export type ResumeStore = ReturnType<typeof createResumeStore>;
