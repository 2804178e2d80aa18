import { describe, expect, test } from "bun:test";
import { type PairState, RelationshipType, changedSides, nextPair, touchesBlock } from "../../src/domains/identity/domain/relationship";
import { createBlockCache } from "../../src/domains/identity/application/block-cache";
import { DomainError } from "../../src/shared/kernel/domain-error";

const { FRIEND, BLOCKED, PENDING_INCOMING: INCOMING, PENDING_OUTGOING: OUTGOING } = RelationshipType;
const pair = (mine: PairState["mine"], theirs: PairState["theirs"]): PairState => ({ mine, theirs });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : "not a domain error";
  }
  return "no refusal";
};

describe("relationship state machine (Discord's rules)", () => {
  test("a request from nothing is outgoing for the sender and incoming for the other", () => {
    expect(nextPair(pair(null, null), "request")).toEqual(pair(OUTGOING, INCOMING));
  });

  test("a request back accepts: both are friends", () => {
    expect(nextPair(pair(INCOMING, OUTGOING), "request")).toEqual(pair(FRIEND, FRIEND));
  });

  test("a repeated request or one to a friend changes nothing", () => {
    expect(nextPair(pair(OUTGOING, INCOMING), "request")).toEqual(pair(OUTGOING, INCOMING));
    expect(nextPair(pair(FRIEND, FRIEND), "request")).toEqual(pair(FRIEND, FRIEND));
  });

  test("a request is refused with the same code whichever side blocked (the other side learns nothing)", () => {
    expect(refusal(() => nextPair(pair(null, BLOCKED), "request"))).toBe("FRIEND_REQUEST_BLOCKED");
    expect(refusal(() => nextPair(pair(BLOCKED, null), "request"))).toBe("FRIEND_REQUEST_BLOCKED");
    expect(refusal(() => nextPair(pair(BLOCKED, BLOCKED), "request"))).toBe("FRIEND_REQUEST_BLOCKED");
  });

  test("a block ends the other's friendship or request, and keeps a block of theirs", () => {
    expect(nextPair(pair(FRIEND, FRIEND), "block")).toEqual(pair(BLOCKED, null));
    expect(nextPair(pair(OUTGOING, INCOMING), "block")).toEqual(pair(BLOCKED, null));
    expect(nextPair(pair(INCOMING, OUTGOING), "block")).toEqual(pair(BLOCKED, null));
    expect(nextPair(pair(null, BLOCKED), "block")).toEqual(pair(BLOCKED, BLOCKED));
    expect(nextPair(pair(BLOCKED, null), "block")).toEqual(pair(BLOCKED, null));
  });

  test("remove ends friendships and requests on both sides, a block on the blocker's side only", () => {
    expect(nextPair(pair(FRIEND, FRIEND), "remove")).toEqual(pair(null, null));
    expect(nextPair(pair(OUTGOING, INCOMING), "remove")).toEqual(pair(null, null));
    expect(nextPair(pair(INCOMING, OUTGOING), "remove")).toEqual(pair(null, null));
    expect(nextPair(pair(BLOCKED, BLOCKED), "remove")).toEqual(pair(null, BLOCKED));
    expect(nextPair(pair(BLOCKED, null), "remove")).toEqual(pair(null, null));
    expect(nextPair(pair(null, BLOCKED), "remove")).toEqual(pair(null, BLOCKED));
  });

  test("only the sides that changed are told; a block tells the blocked side only that the friendship ended", () => {
    const before = pair(FRIEND, FRIEND);
    const sides = changedSides("1", "2", before, nextPair(before, "block"));
    expect(sides).toEqual([
      { userId: "1", otherId: "2", before: FRIEND, after: BLOCKED },
      { userId: "2", otherId: "1", before: FRIEND, after: null },
    ]);
    expect(sides.map(touchesBlock)).toEqual([true, false]);
    // Blocking someone who has nothing with you tells them nothing.
    expect(changedSides("1", "2", pair(null, null), pair(BLOCKED, null))).toEqual([{ userId: "1", otherId: "2", before: null, after: BLOCKED }]);
    expect(changedSides("1", "2", pair(FRIEND, FRIEND), pair(FRIEND, FRIEND))).toEqual([]);
  });
});

describe("block cache", () => {
  const clock = { now: () => now };
  let now = 0;

  test("answers a known entry without a promise, drops it on forget and after its time", async () => {
    let loads = 0;
    let blocked: string[] = ["2"];
    let lastLoad: Promise<{ blocked: string[]; blockedBy: string[] }> = Promise.resolve({ blocked, blockedBy: [] });
    const cache = createBlockCache({ load: () => (loads++, (lastLoad = Promise.resolve({ blocked, blockedBy: [] }))), clock, ttlMs: 1000 });
    expect((await cache.of("1")).blocked.has("2")).toBe(true);
    const known = cache.of("1");
    expect(known instanceof Promise).toBe(false);
    expect(loads).toBe(1);
    blocked = [];
    cache.forget("1", "2");
    expect((await cache.of("1")).blocked.size).toBe(0);
    expect(loads).toBe(2);
    // Past its time, the entry is answered once more while a fresh one loads.
    blocked = ["3"];
    now += 1001;
    const stale = cache.of("1");
    expect(stale instanceof Promise).toBe(false);
    expect((stale as Awaited<typeof stale>).blocked.size).toBe(0);
    expect(loads).toBe(3);
    // The cache stores the fresh load in a callback registered before this await.
    await lastLoad;
    expect((cache.of("1") as Awaited<typeof stale>).blocked.has("3")).toBe(true);
  });

  test("a load that started before a forget does not store what it read", async () => {
    let release: (value: { blocked: string[]; blockedBy: string[] }) => void = () => {};
    const cache = createBlockCache({ load: () => new Promise((resolve) => (release = resolve)), clock });
    const pending = cache.of("1");
    cache.forget("1");
    release({ blocked: ["2"], blockedBy: [] });
    await pending;
    expect(cache.of("1") instanceof Promise).toBe(true);
  });
});
