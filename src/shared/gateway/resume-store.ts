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
  /** The payload's reference. */
  readonly p: string;
  readonly eventId?: string;
}

/** A payload this node stored, and the stored entries' JSON, by type and event. */
interface StoredPayload {
  readonly ref: string;
  /** The bucket it was last written to: an entry in another bucket writes it there too, to expire with the entry. */
  bucket: number;
  written: Promise<void>;
  readonly entries: Map<string, string>;
}

/** The writes gathered in one turn of the event loop, written together once it ends. */
interface Batch {
  readonly bucket: number;
  readonly fields: Array<[string, string]>;
  readonly written: Promise<void>;
}

/** Keys read per round when looking for a buffer's newest entries past the last saved sequence number. */
const PROBE = 64;

const metaKey = (id: string) => `gw:session:${id}`;
/** The hash of every dispatch buffered, and every payload stored, during one resume window's span of time. */
const bucketKey = (bucket: number) => `gw:buffer:${bucket}`;
const entryField = (id: string, s: number) => `${id}:${s}`;
const payloadField = (ref: string) => `p:${ref}`;
/**
 * Where nodes before the buffer moved to hashes kept each entry and payload, as a key of its own. Read as a
 * fallback so that sessions buffered by such a node still resume during a rolling upgrade; remove once no
 * deployment can run a node that writes them (one release later).
 */
const legacyDispatchKey = (id: string, s: number) => `gw:replay:${id}:${s}`;
const legacyPayloadKey = (ref: string) => `gw:payload:${ref}`;

const nonNull = <T>(value: T | null): value is T => value !== null;

/**
 * Gateway sessions' resume state in the shared key-value store (Redis in production), so a client that
 * dropped from one node resumes on any other within the resume window.
 *
 * A dispatch to a thousand sessions costs a thousand small hash fields (`session:seq` → type, payload reference and
 * event) and the payload once, in the hash of the current time bucket (a resume window long). The writes of one turn
 * of the event loop (every session's entry for an event, which the sessions decide on in the same turn, and the
 * payload) are gathered into one `setFields`: one pipeline, one socket write, one reply to wait for. Fields of one
 * hash cost Redis a fraction of what a key with an expiry each did (an HSET of a thousand fields against a script
 * setting a thousand keys), and the bucket expires a window after its last write, so every entry lives at least a
 * window. A reader looks in the current bucket and its neighbours (nodes' clocks differ by less than a window).
 * Each session's entries are keyed by sequence number, which is contiguous from the last saved one (only READY and
 * RESUMED are unbuffered, and the record is saved right after each), so a resume finds them without an index.
 */
export const createResumeStore = (kv: KeyValueStore, windowMs: number, now: () => number = Date.now) => {
  const prefix = crypto.randomUUID();
  let payloadCount = 0;
  /** Payloads written by this node, by the object every session was handed for one event. */
  const payloads = new WeakMap<object, StoredPayload>();
  let batch: Batch | undefined;
  const currentBucket = () => Math.floor(now() / windowMs);

  /** This turn's batch, started when the turn's first write comes. */
  const turnBatch = (): Batch => {
    if (batch) return batch;
    const fields: Array<[string, string]> = [];
    const bucket = currentBucket();
    const written = new Promise((turnEnded) => setImmediate(turnEnded)).then(() => {
      batch = undefined;
      return kv.setFields(bucketKey(bucket), fields, windowMs);
    });
    return (batch = { bucket, fields, written });
  };

  /** Queues a field into this turn's batch; resolves once the batch is stored. */
  const write = (field: string, value: string): Promise<void> => {
    const turn = turnBatch();
    turn.fields.push([field, value]);
    return turn.written;
  };

  const writePayload = (json: string): StoredPayload => {
    const ref = `${prefix}:${++payloadCount}`;
    const bucket = turnBatch().bucket;
    return { ref, bucket, written: write(payloadField(ref), json), entries: new Map() };
  };

  /** An entry's value (a StoredDispatch without `s`, which is in the field): the same for every session, built once. */
  const entryJson = (payload: StoredPayload, t: string, eventId: string | undefined) => {
    const key = eventId === undefined ? t : `${t}\u0000${eventId}`;
    let json = payload.entries.get(key);
    if (json === undefined) payload.entries.set(key, (json = JSON.stringify({ t, p: payload.ref, eventId } satisfies Omit<StoredDispatch, "s">)));
    return json;
  };

  const payloadOf = (d: unknown, json: string) => {
    if (d === null || typeof d !== "object") return writePayload(json);
    let payload = payloads.get(d);
    if (!payload) payloads.set(d, (payload = writePayload(json)));
    else if (payload.bucket !== turnBatch().bucket) {
      payload.bucket = turnBatch().bucket;
      payload.written = write(payloadField(payload.ref), json);
    }
    return payload;
  };

  /** Each field's value from the newest of the buckets around now that holds it. */
  const readFields = async (fields: string[]): Promise<Array<string | null>> => {
    const bucket = currentBucket();
    const [next, current, previous] = await Promise.all([bucket + 1, bucket, bucket - 1].map((b) => kv.getFields(bucketKey(b), fields)));
    return fields.map((_, i) => next![i] ?? current![i] ?? previous![i] ?? null);
  };

  /** The stored entries of `id` for sequence numbers `from..to`, in order, missing ones left out. */
  const entries = async (id: string, from: number, to: number): Promise<StoredDispatch[]> => {
    const seqs = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    const raws = await readFields(seqs.map((s) => entryField(id, s)));
    const missing = seqs.filter((_, i) => raws[i] === null);
    const legacy = missing.length === 0 ? [] : await kv.getMany(missing.map((s) => legacyDispatchKey(id, s)));
    const fromLegacy = new Map(legacy.filter(nonNull).map((raw) => JSON.parse(raw) as StoredDispatch).map((entry) => [entry.s, entry]));
    return seqs.flatMap((s, i) => {
      const raw = raws[i];
      return raw ? [{ s, ...(JSON.parse(raw) as Omit<StoredDispatch, "s">) }] : (fromLegacy.get(s) ?? []);
    });
  };

  /** Each payload's JSON by reference, null when expired. */
  const payloadsOf = async (refs: readonly string[]): Promise<Map<string, string | null>> => {
    const raws = await readFields(refs.map(payloadField));
    const missing = refs.filter((_, i) => raws[i] === null);
    const legacy = missing.length === 0 ? [] : await kv.getMany(missing.map(legacyPayloadKey));
    const found = new Map(missing.map((ref, i) => [ref, legacy[i] ?? null]));
    refs.forEach((ref, i) => raws[i] !== null && found.set(ref, raws[i]!));
    return found;
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
      const entry = write(entryField(id, s), entryJson(payload, t, eventId));
      return payload.written === entry ? entry : Promise.all([payload.written, entry]).then(() => undefined);
    },

    /** The newest RESUME_BUFFER_LENGTH buffered dispatches of a session, oldest first. */
    async buffered(id: string): Promise<BufferedDispatch[]> {
      const raw = await kv.get(metaKey(id));
      const savedSeq = raw ? (JSON.parse(raw) as SessionRecord).seq : 0;
      const recent = [...(await entries(id, Math.max(1, savedSeq - RESUME_BUFFER_LENGTH + 1), savedSeq)), ...(await newer(id, savedSeq))];
      const kept = recent.slice(-RESUME_BUFFER_LENGTH);
      const stored = await payloadsOf([...new Set(kept.map((entry) => entry.p))]);
      return kept
        .filter((entry) => stored.get(entry.p) != null)
        .map((entry) => ({ s: entry.s, t: entry.t, d: JSON.parse(stored.get(entry.p)!), ...(entry.eventId === undefined ? {} : { eventId: entry.eventId }) }));
    },

    /** Forgets a session: it can no longer be resumed (its entries expire with the window). */
    forget: (id: string) => kv.delete(metaKey(id)).then(() => undefined),
  };
};

export type ResumeStore = ReturnType<typeof createResumeStore>;
