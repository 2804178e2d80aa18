import type { KeyValueStore } from "../kernel/ports";
import { RESUME_BUFFER_LENGTH } from "./gateway-protocol";
import type { IdentifyOptions } from "./session-profile";

/** What a node must know to resume a session it never saw. */
export interface SessionRecord {
  readonly userId: string;
  /** The identity session (token family) the gateway session was opened with. */
  readonly authSessionId: string;
  /** When the session last took an event, in ms: where a resume catches up from the event stream. */
  readonly lastEventAt: number;
  /** The sequence number last sent, counting READY and RESUMED, which are not buffered. */
  readonly seq: number;
  /** What IDENTIFY asked for (intents, shard, large_threshold, compress), which RESUME keeps; absent when nothing. */
  readonly options?: IdentifyOptions;
  /** The status the session last set (IDENTIFY's presence or op 3), which RESUME keeps; absent for "online". */
  readonly status?: string;
}

/** A dispatch as it was sent, with the event it came from (for de-duplication on resume). */
export interface BufferedDispatch {
  readonly s: number;
  readonly t: string;
  readonly d: unknown;
  readonly eventId?: string;
}

/** A buffered dispatch as stored: its payload by reference, since every session that got it shares it. */
interface StoredDispatch {
  readonly s: number;
  readonly t: string;
  /** Key of the payload's JSON. */
  readonly p: string;
  readonly eventId?: string;
}

/** A payload this node stored, and the stored entries' JSON after their sequence number, by type and event. */
interface StoredPayload {
  readonly ref: string;
  readonly written: Promise<void>;
  readonly tails: Map<string, string>;
}

/** Keys read per round when looking for a buffer's newest entries past the last saved sequence number. */
const PROBE = 64;

const metaKey = (id: string) => `gw:session:${id}`;
const dispatchKey = (id: string, s: number) => `gw:replay:${id}:${s}`;
const payloadKey = (ref: string) => `gw:payload:${ref}`;

/**
 * Gateway sessions' resume state in the shared key-value store (Redis in production), so a client that
 * dropped from one node resumes on any other within the resume window. Entries expire with the window.
 *
 * A dispatch to a thousand sessions costs one payload write and a thousand single-key writes of a few dozen bytes
 * each (a capped list per session needed a MULTI of three commands per session and a copy of the payload). The
 * writes of one turn of the event loop (every session's entry for an event, which the sessions decide on in the same
 * turn, and the payload) are gathered into one `setMany`: one pipeline, one socket write, one reply to wait for,
 * instead of a command and a promise per session.
 * Each session's entries are keyed by sequence number, which is contiguous from the last saved one (only READY and
 * RESUMED are unbuffered, and the record is saved right after each), so a resume finds them without an index.
 */
export const createResumeStore = (kv: KeyValueStore, windowMs: number) => {
  const prefix = crypto.randomUUID();
  let payloadCount = 0;
  /** Payloads written by this node, by the object every session was handed for one event. */
  const payloads = new WeakMap<object, StoredPayload>();
  /** The writes gathered in this turn of the event loop, written together once it ends. */
  let batch: { entries: Array<[string, string]>; written: Promise<void> } | undefined;

  /** Queues a write into this turn's batch; resolves once the batch is stored. */
  const write = (key: string, value: string): Promise<void> => {
    if (!batch) {
      const entries: Array<[string, string]> = [];
      const written = new Promise((turnEnded) => setImmediate(turnEnded)).then(() => {
        batch = undefined;
        return kv.setMany(entries, windowMs);
      });
      batch = { entries, written };
    }
    batch.entries.push([key, value]);
    return batch.written;
  };

  const writePayload = (json: string): StoredPayload => {
    const ref = `${prefix}:${++payloadCount}`;
    return { ref, written: write(payloadKey(ref), json), tails: new Map() };
  };

  /**
   * A stored entry as JSON (a StoredDispatch): everything after the sequence number is the same for every session
   * handed this payload for one event, so it is built once.
   */
  const entryJson = (payload: StoredPayload, s: number, t: string, eventId: string | undefined) => {
    const key = eventId === undefined ? t : `${t}\u0000${eventId}`;
    let tail = payload.tails.get(key);
    if (tail === undefined) payload.tails.set(key, (tail = JSON.stringify({ t, p: payload.ref, eventId } satisfies Omit<StoredDispatch, "s">).slice(1)));
    return `{"s":${s},${tail}`;
  };

  const payloadOf = (d: unknown, json: string) => {
    if (d === null || typeof d !== "object") return writePayload(json);
    let payload = payloads.get(d);
    if (!payload) payloads.set(d, (payload = writePayload(json)));
    return payload;
  };

  /** The stored entries of `id` for sequence numbers `from..to`, in order, missing ones left out. */
  const entries = async (id: string, from: number, to: number): Promise<StoredDispatch[]> => {
    const seqs = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    const raws = await Promise.all(seqs.map((s) => kv.get(dispatchKey(id, s))));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as StoredDispatch);
  };

  /** Entries past the saved sequence number: dispatched since the last save, up to the first gap. */
  const newer = async (id: string, after: number): Promise<StoredDispatch[]> => {
    const found: StoredDispatch[] = [];
    for (let from = after + 1; ; from += PROBE) {
      const round = await entries(id, from, from + PROBE - 1);
      const contiguous = round.filter((entry, i) => entry.s === from + i);
      found.push(...contiguous);
      if (contiguous.length < PROBE) return found;
    }
  };

  return {
    /** Records (or refreshes) a live session; the window restarts from now. */
    save: (id: string, record: SessionRecord) => kv.set(metaKey(id), JSON.stringify(record), windowMs),

    /** The session, or null when unknown or expired. */
    async load(id: string): Promise<SessionRecord | null> {
      const raw = await kv.get(metaKey(id));
      return raw ? (JSON.parse(raw) as SessionRecord) : null;
    },

    /**
     * Buffers dispatch `s` of session `id`, whose payload `d` is already serialized as `json`; resolves once both
     * the entry and the payload are stored. The payload is written once per `d` object, however many sessions get it.
     * Appends of one turn whose payloads are written in that turn too get the same promise: the turn's batch.
     */
    append(id: string, s: number, t: string, d: unknown, json: string, eventId?: string): Promise<void> {
      const payload = payloadOf(d, json);
      const entry = write(dispatchKey(id, s), entryJson(payload, s, t, eventId));
      return payload.written === entry ? entry : Promise.all([payload.written, entry]).then(() => undefined);
    },

    /** The newest RESUME_BUFFER_LENGTH buffered dispatches of a session, oldest first. */
    async buffered(id: string): Promise<BufferedDispatch[]> {
      const raw = await kv.get(metaKey(id));
      const savedSeq = raw ? (JSON.parse(raw) as SessionRecord).seq : 0;
      const recent = [...(await entries(id, Math.max(1, savedSeq - RESUME_BUFFER_LENGTH + 1), savedSeq)), ...(await newer(id, savedSeq))];
      const kept = recent.slice(-RESUME_BUFFER_LENGTH);
      const refs = [...new Set(kept.map((entry) => entry.p))];
      const stored = new Map(await Promise.all(refs.map(async (ref) => [ref, await kv.get(payloadKey(ref))] as const)));
      return kept
        .filter((entry) => stored.get(entry.p) != null)
        .map((entry) => ({ s: entry.s, t: entry.t, d: JSON.parse(stored.get(entry.p)!), ...(entry.eventId === undefined ? {} : { eventId: entry.eventId }) }));
    },

    /** Forgets a session: it can no longer be resumed (its entries expire with the window). */
    forget: (id: string) => kv.delete(metaKey(id)).then(() => undefined),
  };
};

export type ResumeStore = ReturnType<typeof createResumeStore>;
