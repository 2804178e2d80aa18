import { describe, expect, test } from "bun:test";
import { GatewaySession, SEEN_EVENTS } from "../../src/shared/gateway/gateway-session";

const session = () =>
  new GatewaySession("s1", { sendText: () => 1, getBufferedAmount: () => 0, close: () => {} }, { rules: new Map(), router: {} as never, resume: {} as never, onError: (error) => { throw error; } }, 0);

describe("gateway session: the ids it remembers to drop second copies", () => {
  test("an id is delivered once; the newest SEEN_EVENTS ids are remembered, the oldest forgotten first", () => {
    const s = session();
    expect(s.remember("a")).toBe(true);
    expect(s.remember("a")).toBe(false);
    for (let i = 1; i < SEEN_EVENTS; i++) expect(s.remember(`e${i}`)).toBe(true);
    // Full: each new id pushes out the oldest one, and only it.
    expect(s.remember("new-1")).toBe(true); // pushes out "a"
    expect(s.remember("e1")).toBe(false);
    expect(s.remember("a")).toBe(true); // forgotten, so delivered again; pushes out "e1"
    expect(s.remember("e1")).toBe(true); // pushes out "e2"
    expect(s.remember("e3")).toBe(false);
    expect(s.remember(`e${SEEN_EVENTS - 1}`)).toBe(false);
  });
});

describe("gateway session: frames wait for their buffer write and leave in order", () => {
  /** A socket that records each write and which writes were corked together. */
  const recordingSocket = () => {
    const writes: string[][] = [];
    let corked: string[] | undefined;
    return {
      writes,
      socket: {
        sendText(text: string) {
          if (corked) corked.push(text);
          else writes.push([text]);
          return text.length;
        },
        getBufferedAmount: () => 0,
        close: () => {},
        cork(callback: () => void) {
          corked = [];
          callback();
          writes.push(corked);
          corked = undefined;
        },
      },
    };
  };
  /** A resume store whose appends of one "turn" share one write, settled by the test. */
  const controlledStore = () => {
    let settle!: (failure?: Error) => void;
    let current!: Promise<void>;
    const nextTurn = () => {
      current = new Promise<void>((resolve, reject) => (settle = (failure) => (failure ? reject(failure) : resolve())));
    };
    nextTurn();
    /** `settle` settles the current turn's write; `settler()` is that function for the turn current now. */
    return { resume: { append: () => current } as never, settle: (failure?: Error) => settle(failure), settler: () => settle, nextTurn };
  };
  const sequences = (writes: string[][]) => writes.map((group) => group.map((text) => (JSON.parse(text) as { s: number }).s));

  test("frames of one buffer write leave together in one corked write, after it, in sequence order", async () => {
    const { writes, socket } = recordingSocket();
    const store = controlledStore();
    const errors: unknown[] = [];
    const s = new GatewaySession("s1", socket, { rules: new Map(), router: {} as never, resume: store.resume, onError: (error) => errors.push(error) }, 0);
    const sent = [s.dispatch("A", { n: 1 }), s.dispatch("A", { n: 2 }), s.dispatch("A", { n: 3 })];
    await Promise.resolve();
    expect(writes).toEqual([]); // write-ahead: nothing before the buffer holds it
    store.settle();
    await Promise.all(sent);
    expect(sequences(writes)).toEqual([[1, 2, 3]]);

    // The next turn's write failed: its frames still go out, after the earlier ones, and the failure is reported once.
    store.nextTurn();
    const later = [s.dispatch("A", { n: 4 }), s.dispatch("A", { n: 5 })];
    store.settle(new Error("store down"));
    await Promise.all(later);
    expect(sequences(writes)).toEqual([[1, 2, 3], [4, 5]]);
    expect(errors).toHaveLength(1);
  });

  test("a frame behind a later buffer write waits for the frames before it", async () => {
    const { writes, socket } = recordingSocket();
    const store = controlledStore();
    const s = new GatewaySession("s1", socket, { rules: new Map(), router: {} as never, resume: store.resume, onError: () => {} }, 0);
    const settleFirst = store.settler();
    const first = s.dispatch("A", { n: 1 });
    store.nextTurn();
    const second = s.dispatch("A", { n: 2 });
    const unbuffered = s.dispatchUnbuffered("B", { n: 3 });
    store.settle(); // the second write lands first
    await Promise.resolve();
    await Promise.resolve();
    expect(writes).toEqual([]);
    settleFirst();
    await Promise.all([first, second, unbuffered]);
    expect(sequences(writes).flat()).toEqual([1, 2, 3]);
  });
});
