import { afterEach, beforeEach, describe, expect, jest, test } from "bun:test";
import { createSpeakingDetector } from "../../src/shared/infrastructure/sfu/speaking-detector";

const HOLD_MS = 1000;

const detector = () => {
  const edges: string[] = [];
  const speaking = createSpeakingDetector({ holdMs: HOLD_MS, emit: (id, on) => edges.push(`${id}:${on ? "start" : "stop"}`) });
  return { speaking, edges };
};

describe("speaking detector", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("a producer starts speaking when first heard, once, however often it is heard again", () => {
    const { speaking, edges } = detector();
    speaking.heard(["a"]);
    speaking.heard(["a", "b"]);
    speaking.heard(["a"]);
    expect(edges).toEqual(["a:start", "b:start"]);
  });

  test("it stops after the hold time without being heard, and not while it keeps being heard", () => {
    const { speaking, edges } = detector();
    speaking.heard(["a", "b"]);
    for (let i = 0; i < 8; i++) {
      jest.advanceTimersByTime(HOLD_MS / 4);
      speaking.heard(["a"]);
    }
    expect(edges).toEqual(["a:start", "b:start", "b:stop"]);
    jest.advanceTimersByTime(HOLD_MS - 1);
    expect(edges).toEqual(["a:start", "b:start", "b:stop"]);
    jest.advanceTimersByTime(1);
    expect(edges).toEqual(["a:start", "b:start", "b:stop", "a:stop"]);
  });

  test("forgetting stops one at once and only once; the others run out their hold", () => {
    const { speaking, edges } = detector();
    speaking.heard(["a", "b", "c"]);
    speaking.forget("c");
    speaking.forget("c");
    jest.advanceTimersByTime(HOLD_MS * 2);
    expect(edges).toEqual(["a:start", "b:start", "c:start", "c:stop", "a:stop", "b:stop"]);
  });

  test("dispose drops pending stops without emitting them", () => {
    const { speaking, edges } = detector();
    speaking.heard(["a"]);
    speaking.dispose();
    jest.advanceTimersByTime(HOLD_MS * 2);
    expect(edges).toEqual(["a:start"]);
  });
});
