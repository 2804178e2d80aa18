import { describe, expect, test } from "bun:test";
import { aggregateStatus } from "../../src/domains/presence/domain/presence";

const NOW = 1_000;
const live = (status: "online" | "idle" | "dnd" | "invisible", sessionId = status) => ({ sessionId, status, expiresAt: NOW + 1 });

describe("a user's visible status across sessions", () => {
  test("is offline without sessions", () => {
    expect(aggregateStatus([], NOW)).toBe("offline");
  });
  test("is online while any session is online", () => {
    expect(aggregateStatus([live("idle"), live("online")], NOW)).toBe("online");
  });
  test("do-not-disturb on one device wins over online on another", () => {
    expect(aggregateStatus([live("online"), live("dnd")], NOW)).toBe("dnd");
  });
  test("invisible sessions show as offline and hide nothing else", () => {
    expect(aggregateStatus([live("invisible")], NOW)).toBe("offline");
    expect(aggregateStatus([live("invisible"), live("idle")], NOW)).toBe("idle");
  });
  test("lapsed sessions (no heartbeat, e.g. a dead node) no longer count", () => {
    expect(aggregateStatus([{ sessionId: "x", status: "online", expiresAt: NOW }], NOW)).toBe("offline");
  });
});
