import type { DomainEvent, Topic } from "../kernel/domain-event";
import { CloseCode, type Frame, Op } from "./gateway-protocol";
import { type Decision, type Delivery, type EventRoutes, FORWARD, type Viewer } from "./gateway-ports";
import type { ResumeStore, SessionRecord } from "./resume-store";
import { type SessionProfile, guildIdOf } from "./session-profile";
import type { TopicListener, TopicRouter } from "./topic-router";
import { payloadCompressingSocket } from "./zlib-transport";
import type { SessionSocket } from "./session-socket";

/** Event ids remembered per session to drop the second copy of an event heard on two topics. */
export const SEEN_EVENTS = 2048;

/** A dispatch frame around a serialized payload: all of it but the sequence number, which goes between. */
interface FrameParts {
  readonly json: string;
  readonly head: string;
  readonly tail: string;
}

const framePartsOf = (json: string, t: string): FrameParts => ({ json, head: `{"op":${Op.Dispatch},"d":${json},"s":`, tail: `,"t":${JSON.stringify(t)}}` });

/**
 * Payloads serialized once per node, not once per session: rules hand every session the same `d` object for one
 * event, and a thousand sessions would otherwise stringify it a thousand times (twice: frame and resume buffer).
 * The frame around it is built once too; a session adds its sequence number.
 */
const serialized = new WeakMap<object, Map<string, FrameParts>>();
const frameParts = (d: unknown, t: string): FrameParts => {
  if (d === null || typeof d !== "object") return framePartsOf(JSON.stringify(d) ?? "null", t);
  let byType = serialized.get(d);
  if (byType === undefined) serialized.set(d, (byType = new Map()));
  let parts = byType.get(t);
  if (parts === undefined) byType.set(t, (parts = framePartsOf(byType.values().next().value?.json ?? JSON.stringify(d), t)));
  return parts;
};

/** An event's time in ms, parsed once per node however many sessions hear it. */
const occurredAts = new WeakMap<DomainEvent, number>();
const occurredAtOf = (event: DomainEvent): number => {
  let at = occurredAts.get(event);
  if (at === undefined) occurredAts.set(event, (at = Date.parse(event.occurredAt)));
  return at;
};

/** Frames waiting on the `outgoing` chain for one buffer write. */
interface FrameGroup {
  readonly texts: string[];
  readonly ready: Promise<unknown> | undefined;
}

/**
 * A buffer write as a session waits for it: settled either way (a dispatch still goes out when the store is down),
 * its failure reported once. Every session handed the same write (a turn's batch) gets the same promise, so their
 * frames of that turn can leave together.
 */
const quietWrites = new WeakMap<Promise<void>, Promise<void>>();
const settledQuietly = (written: Promise<void>, onError: SessionDeps["onError"]): Promise<void> => {
  let quiet = quietWrites.get(written);
  if (quiet === undefined) {
    quiet = written.catch((error: unknown) => onError(error, { what: "resume buffer" }));
    quietWrites.set(written, quiet);
  }
  return quiet;
};

/**
 * The start of every session's chains, and where they go back to once idle: one settled promise for the node, not
 * two per connection. An idle session keeps as few objects as it can: each one it holds was allocated among the
 * garbage of its IDENTIFY, and keeps that part of the heap from being given back (JSC does not move objects).
 */
const SETTLED: Promise<void> = Promise.resolve();

/** A dispatch frame: its payload already serialized, its sequence number `s`. */
const dispatchFrame = (parts: FrameParts, s: number) => parts.head + s + parts.tail;

/**
 * Bytes a client may leave unread before its session is closed as a slow consumer. A client that stops reading
 * would otherwise make the node hold every dispatch for it (Bun buffers up to 16 MiB a socket, then drops frames
 * silently). Closed, the client can RESUME and get what it missed from the buffer, in order.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** How a slow consumer is closed: 4008 (the client is being rate limited: by its own reading), reason "Slow consumer". */
export const SLOW_CONSUMER = { code: CloseCode.RateLimited, reason: "Slow consumer" } as const;

export interface SessionDeps {
  /** Each dispatched event type's rule and dispatch name. */
  readonly rules: EventRoutes;
  readonly router: TopicRouter;
  readonly resume: ResumeStore;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
  /** A session was closed as a slow consumer (for metrics). */
  readonly onSlowConsumer?: () => void;
  /**
   * An event went out to a session under its own dispatch name (the DM delivery marks hear of MESSAGE_CREATE
   * here). Called in the fan-out's loop: it must only note what it needs and return.
   */
  readonly onForwarded?: (event: DomainEvent, viewer: Viewer) => void;
}

/**
 * One gateway connection. Events go through a serial queue, so dispatches leave in the order the node heard
 * the events (per channel, the order of the outbox) even though deciding visibility is asynchronous.
 */
export class GatewaySession implements TopicListener {
  viewer: Viewer | undefined;
  seq = 0;
  status = "online";
  lastHeartbeatAt: number;
  lastEventAt: number;
  closed = false;
  /** IDENTIFY or RESUME is being processed: a second one is refused. */
  authenticating = false;
  /** Closed because the same session resumed elsewhere: leave its resume state alone. */
  superseded = false;
  /**
   * The topics the session hears: none, one (an idle session without guilds hears only its user's), or several.
   * A Set only for several: every object an idle session keeps pins heap memory (see `SETTLED`).
   */
  private heard: Topic | Set<Topic> | undefined;
  /** Intents, shard and the rest IDENTIFY asked for; undefined for a session that asked for nothing that filters. */
  profile: SessionProfile | undefined;
  /** Made at the first event: an idle session holds none of it. */
  private seen: Set<string> | undefined;
  /** The ids in `seen` in the order seen; once full, a ring whose oldest entry is at `seenNext`, forgotten in O(1). */
  private seenOrder: string[] | undefined;
  private seenNext = 0;
  private queue: Promise<void> = SETTLED;
  /** Tasks on `queue` not settled yet: with none, an event can be decided without queueing. */
  private queued = 0;
  /**
   * Frames leave in sequence order, each after its resume-buffer write: a chain of its own, so that deciding the
   * next event does not wait for the store's round trip (a busy session would otherwise run at one event per RTT).
   */
  private outgoing: Promise<void> = SETTLED;
  /** Frames on the `outgoing` chain not sent yet: with none, a frame need not wait for the chain. */
  private framesInFlight = 0;
  /** The newest frames on the `outgoing` chain, not sent yet: a frame waiting for the same buffer write joins them. */
  private waiting: FrameGroup | undefined;
  private frameWindowStart = 0;
  private frameCount = 0;
  /** Closed as a slow consumer: nothing more is written. */
  private cutOff = false;

  /** Frames go straight to `socket`; what the client leaves unread is bounded by MAX_BUFFERED_BYTES. */
  constructor(
    public id: string,
    private socket: SessionSocket,
    private readonly deps: SessionDeps,
    readonly openedAt: number,
  ) {
    this.lastHeartbeatAt = openedAt;
    this.lastEventAt = openedAt;
  }

  /** Closes the connection (the close handler then ends the session). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /** Sends `text`, closing the socket as a slow consumer once a frame is dropped or the unread data passes the bound. */
  private sendText(text: string): void {
    if (this.cutOff) return;
    const status = this.socket.sendText(text);
    if (status === 0 || (status === -1 && this.socket.getBufferedAmount() > MAX_BUFFERED_BYTES)) {
      this.cutOff = true;
      this.deps.onSlowConsumer?.();
      this.socket.close(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
    }
  }

  /** What a resume on any node needs to know of this session. */
  record(): SessionRecord {
    const viewer = this.viewer!;
    const record: SessionRecord = {
      userId: viewer.userId,
      authSessionId: viewer.sessionId,
      lastEventAt: this.lastEventAt,
      seq: this.seq,
      ...(this.status === "online" ? {} : { status: this.status }),
    };
    return this.profile ? { ...record, options: this.profile.options } : record;
  }

  /**
   * Per-payload compression (IDENTIFY `compress: true`) from the next frame on; ignored on a zlib-stream connection,
   * whose frames are compressed already (discord.py asks for both).
   */
  compressPayloads(): void {
    if (!this.socket.transportCompressed) this.socket = payloadCompressingSocket(this.socket);
  }

  /** Sends a non-dispatch frame. */
  sendOp(op: number, d: unknown): void {
    if (!this.closed) this.sendText(JSON.stringify({ op, d, s: null, t: null } satisfies Frame));
  }

  /** Counts a client frame; false once the connection sent more than `limit` in the current window. */
  countFrame(now: number, limit: number, periodMs: number): boolean {
    if (now - this.frameWindowStart >= periodMs) {
      this.frameWindowStart = now;
      this.frameCount = 0;
    }
    return ++this.frameCount <= limit;
  }

  /**
   * Topic router callback. With nothing queued the event is decided at once, in the router's loop over the
   * node's sessions, and only what must wait (a permission not yet known) is queued; otherwise it is queued behind
   * the tasks before it. Either way events are decided one at a time, in the order heard.
   */
  receive(event: DomainEvent): void {
    if (this.queued > 0) return void this.enqueue(() => this.handle(event));
    try {
      const waiting = this.decide(event);
      if (waiting) this.track(waiting);
    } catch (error) {
      this.deps.onError(error, { gatewaySession: this.id });
    }
  }

  /** Runs `task` after everything queued so far; the queue survives a failing task. */
  enqueue(task: () => Promise<void> | void): Promise<void> {
    return this.track(this.queue.then(task));
  }

  /** Makes `work` the tail of the queue, counted until it settles; a failure is reported, not passed on. */
  private track(work: Promise<void>): Promise<void> {
    this.queued++;
    const run: Promise<void> = work.then(
      () => this.settle(run),
      (error: unknown) => {
        this.settle(run);
        this.deps.onError(error, { gatewaySession: this.id });
      },
    );
    this.queue = run;
    return run;
  }

  /** A queued task settled: with nothing left behind it, the queue starts from the node's settled promise again. */
  private settle(run: Promise<void>): void {
    if (--this.queued === 0 && this.queue === run) this.queue = SETTLED;
  }

  /**
   * Sends `text` after every frame before it (and after `ready`, its buffer write); resolves once sent. Frames
   * waiting for the same buffer write (the events one turn of the loop brought this session) leave together, in
   * one corked write: one syscall, not one per frame.
   */
  private sendInOrder(text: string, ready?: Promise<unknown>): Promise<void> {
    if (this.framesInFlight === 0 && !ready) {
      if (!this.closed) this.sendText(text);
      return this.outgoing;
    }
    this.framesInFlight++;
    const open = this.waiting;
    if (open !== undefined && ready !== undefined && open.ready === ready) {
      open.texts.push(text);
      return this.outgoing;
    }
    const group: FrameGroup = { texts: [text], ready };
    this.waiting = group;
    const after = this.framesInFlight === 1 ? ready! : ready ? Promise.all([this.outgoing, ready]) : this.outgoing;
    this.outgoing = after.then(() => {
      if (this.waiting === group) this.waiting = undefined;
      // None in flight: nothing was chained after this group, and the chain starts over from the settled promise.
      if ((this.framesInFlight -= group.texts.length) === 0) this.outgoing = SETTLED;
      if (!this.closed) this.sendAll(group.texts);
    });
    return this.outgoing;
  }

  /** Sends `texts` in order, corked into one write when there are several. */
  private sendAll(texts: readonly string[]): void {
    if (texts.length === 1 || !this.socket.cork) {
      for (const text of texts) this.sendText(text);
      return;
    }
    this.socket.cork(() => {
      for (const text of texts) this.sendText(text);
    });
  }

  /** Sends a dispatch with the next sequence number; READY and RESUMED are not buffered. */
  dispatchUnbuffered(t: string, d: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.sendInOrder(dispatchFrame(frameParts(d, t), ++this.seq));
  }

  /**
   * Buffers a dispatch for a resume, then sends it. Write-ahead: a node killed between the two never leaves a
   * client holding a sequence number the buffer lacks. If the store is down the dispatch still goes out.
   * Resolves once sent; the session's queue need not wait for that.
   */
  dispatch(t: string, d: unknown, eventId?: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const s = ++this.seq;
    const parts = frameParts(d, t);
    const written = settledQuietly(this.deps.resume.append(this.id, s, t, d, parts.json, eventId), this.deps.onError);
    return this.sendInOrder(dispatchFrame(parts, s), written);
  }

  /** Re-sends a dispatch from the resume buffer with its original sequence number. */
  replay(frame: { s: number; t: string; d: unknown; eventId?: string }): void {
    if (frame.eventId) this.remember(frame.eventId);
    void this.sendInOrder(dispatchFrame(frameParts(frame.d, frame.t), frame.s));
  }

  /** Marks an event as delivered (or decided) so another copy of it is dropped. */
  remember(eventId: string): boolean {
    const seen = (this.seen ??= new Set());
    const order = (this.seenOrder ??= []);
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    if (order.length < SEEN_EVENTS) {
      order.push(eventId);
      return true;
    }
    seen.delete(order[this.seenNext]!);
    order[this.seenNext] = eventId;
    this.seenNext = (this.seenNext + 1) % SEEN_EVENTS;
    return true;
  }

  /**
   * Decides what one event means for this session and sends it. Only events on a topic the session hears count:
   * live events always are, but a resume's catch-up reads the whole stream and relies on this filter.
   */
  async handle(event: DomainEvent): Promise<void> {
    await this.decide(event);
  }

  /** `handle`, done in this turn when it can be: returns a promise only for what has to wait. */
  private decide(event: DomainEvent): Promise<void> | undefined {
    const viewer = this.viewer;
    const route = this.deps.rules.get(event.type);
    if (!viewer || this.closed || !route || !this.hearsAny(event.topics)) return undefined;
    if (this.profile !== undefined && !this.profile.inShard(event)) return undefined;
    if (!this.remember(event.id)) return undefined;
    const decided = route.rule(event, viewer);
    return decided instanceof Promise ? decided.then((decision) => this.deliver(event, route.name, decision)) : this.deliver(event, route.name, decided);
  }

  private deliver(event: DomainEvent, name: string, decision: Decision): Promise<void> | undefined {
    if (decision === null || this.closed) return undefined;
    const occurredAt = occurredAtOf(event);
    if (occurredAt > this.lastEventAt) this.lastEventAt = occurredAt;
    const profile = this.profile;
    if (profile === undefined) {
      // The common case: no intents to honour, the payload every session shares.
      if (decision === FORWARD) {
        this.deps.onForwarded?.(event, this.viewer!);
        return void this.dispatch(name, event.data, event.id);
      }
      for (const dispatch of decision.dispatches) void this.dispatch(dispatch.t ?? name, dispatch.d, event.id);
    } else {
      const inGuild = guildIdOf(event) !== undefined;
      if (decision === FORWARD) {
        if (!profile.wants(name, inGuild)) return undefined;
        this.deps.onForwarded?.(event, this.viewer!);
        return void this.dispatch(name, profile.view(name, event.data), event.id);
      }
      for (const { t = name, d } of decision.dispatches) if (profile.wants(t, inGuild)) void this.dispatch(t, profile.view(t, d), event.id);
    }
    return decision.subscribe?.length || decision.unsubscribe?.length ? this.applyTopicChanges(decision) : undefined;
  }

  /** Whether the session hears `topic`. */
  hears(topic: Topic): boolean {
    const heard = this.heard;
    return heard === topic || (typeof heard === "object" && heard.has(topic));
  }

  private hearsAny(topics: readonly Topic[]): boolean {
    for (const topic of topics) if (this.hears(topic)) return true;
    return false;
  }

  /** The topics the session hears. */
  topics(): Topic[] {
    const heard = this.heard;
    return heard === undefined ? [] : typeof heard === "string" ? [heard] : [...heard];
  }

  private addTopic(topic: Topic): void {
    const heard = this.heard;
    if (heard === undefined) this.heard = topic;
    else if (typeof heard === "string") this.heard = new Set([heard, topic]);
    else heard.add(topic);
  }

  private removeTopic(topic: Topic): void {
    const heard = this.heard;
    if (heard === topic) this.heard = undefined;
    else if (typeof heard === "object" && heard.delete(topic) && heard.size === 1) this.heard = heard.values().next().value;
  }

  /** Joins and leaves topics as an event asks (joining a guild, being removed from one). */
  async applyTopicChanges(delivery: Pick<Delivery, "subscribe" | "unsubscribe">): Promise<void> {
    const joined: Topic[] = [];
    const left: Topic[] = [];
    for (const topic of delivery.subscribe ?? []) {
      if (this.hears(topic)) continue;
      this.addTopic(topic);
      joined.push(topic);
    }
    for (const topic of delivery.unsubscribe ?? []) {
      if (!this.hears(topic)) continue;
      this.removeTopic(topic);
      left.push(topic);
    }
    await Promise.all([this.deps.router.join(this, joined), this.deps.router.leave(this, left)]);
  }

  /** Stops hearing every topic. */
  async detach(): Promise<void> {
    const all = this.topics();
    this.heard = undefined;
    await this.deps.router.leave(this, all);
  }
}
