import { describe, expect, test } from "bun:test";
import { reconnectBackoff } from "../../src/shared/infrastructure/postgres/database";

describe("reconnecting to PostgreSQL", () => {
  test("the wait before the next attempt grows from tens of milliseconds to at most one second, whatever the failures", () => {
    for (let retries = 0; retries <= 1000; retries++) {
      const seconds = reconnectBackoff(retries);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(1);
    }
    // The first retries come quickly (a blip costs little) and later ones reach the cap (an outage costs one attempt a second).
    expect(reconnectBackoff(0)).toBeLessThanOrEqual(0.05);
    expect(reconnectBackoff(20)).toBeGreaterThanOrEqual(0.5);
  });
});
