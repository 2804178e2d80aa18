import { describe, expect, test } from "bun:test";
import { GatewaySession, SEEN_EVENTS } from "../../src/shared/gateway/gateway-session";

const session = () =>
  new GatewaySession("s1", { sendText: () => 1, getBufferedAmount: () => 0, close: () => {} }, { rules: {}, router: {} as never, resume: {} as never, onError: (error) => { throw error; } }, 0);

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
