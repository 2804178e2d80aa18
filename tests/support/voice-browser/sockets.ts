/**
 * The two sockets of a voice client, for the browser: the gateway (identify, heartbeat, record dispatches) and the
 * voice signaling socket of docs/voice.md (requests answered by id, notifications by event name).
 */

export interface SignalingError {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

/** A request the server answered with `ok: false`: the error object as sent. */
export class SignalingRefusal extends Error {
  constructor(
    method: string,
    readonly error: SignalingError,
  ) {
    super(`${method} refused: ${JSON.stringify(error)}`);
  }
}

/** Requests on the signaling socket, matched to answers by `id`; notifications go to `onNotification`. */
export class Signaling {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (data: any) => void; reject: (error: Error) => void; method: string }>();
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(
    private readonly socket: WebSocket,
    onNotification: (event: string, data: any) => void,
  ) {
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(String(message.data));
      if (typeof frame.event === "string") return onNotification(frame.event, frame.data);
      const waiter = this.pending.get(frame.id);
      if (!waiter) return;
      this.pending.delete(frame.id);
      if (frame.ok) waiter.resolve(frame.data);
      else waiter.reject(new SignalingRefusal(waiter.method, frame.error as SignalingError));
    });
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.closeCode = event.code;
        for (const [, waiter] of this.pending) waiter.reject(new Error(`${waiter.method}: socket closed ${event.code} ${event.reason}`));
        this.pending.clear();
        resolve(event.code);
      }),
    );
  }

  static open(url: string, onNotification: (event: string, data: any) => void): Promise<Signaling> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new Signaling(socket, onNotification)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`signaling socket ${url} failed to open`)), { once: true });
    });
  }

  /** Sends a request; rejects on a refusal, on the socket closing, or after `timeoutMs` without an answer. */
  request<T = any>(method: string, data: unknown = {}, timeoutMs = 15_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer after ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = <A>(done: (value: A) => void) => (value: A) => {
        clearTimeout(timer);
        done(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), method });
      this.socket.send(JSON.stringify({ id, method, data }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

export interface GatewayDispatch {
  readonly t: string;
  readonly d: any;
}

/** A gateway connection that waits for HELLO, identifies, heartbeats and records dispatches. */
export class Gateway {
  private seq: number | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly waiters = new Set<() => void>();
  private helloed = false;
  readonly dispatches: GatewayDispatch[] = [];

  private constructor(
    private readonly socket: WebSocket,
    onDispatch: (t: string, d: any) => void,
  ) {
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(String(message.data)) as { op: number; d: any; s: number | null; t: string | null };
      if (frame.s !== null && frame.s !== undefined) this.seq = frame.s;
      if (frame.op === 10) {
        this.helloed = true;
        this.heartbeat = setInterval(() => this.send(1, this.seq), frame.d.heartbeat_interval);
      }
      if (frame.op === 0 && frame.t) {
        this.dispatches.push({ t: frame.t, d: frame.d });
        onDispatch(frame.t, frame.d);
      }
      for (const waiter of [...this.waiters]) waiter();
    });
    socket.addEventListener("close", () => clearInterval(this.heartbeat));
  }

  static async connect(url: string, token: string, onDispatch: (t: string, d: any) => void): Promise<{ gateway: Gateway; ready: any }> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`gateway ${url} failed to open`)), { once: true });
    });
    const gateway = new Gateway(socket, onDispatch);
    await gateway.until(() => gateway.helloed || undefined, "HELLO", 15_000);
    gateway.send(2, { token, properties: { os: "linux", browser: "chromium", device: "xcord-voice-e2e" } });
    const ready = await gateway.next((dispatch) => dispatch.t === "READY", "READY", 15_000);
    return { gateway, ready: ready.d };
  }

  send(op: number, d: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ op, d }));
  }

  /** The first dispatch (the `from`-th received or later) matching `match`. */
  next(match: (dispatch: GatewayDispatch) => boolean, what: string, timeoutMs: number, from = 0): Promise<GatewayDispatch> {
    return this.until(() => this.dispatches.slice(from).find(match), what, timeoutMs);
  }

  /** Resolves with `probe()`'s first defined value, checked on every frame. */
  private until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.dispatches.map((d) => d.t).join(",")}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.socket.close();
  }
}
