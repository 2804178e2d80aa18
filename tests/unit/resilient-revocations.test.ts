import { describe, expect, test } from "bun:test";
import { resilientRevocations } from "../../src/domains/identity/application/resilient-revocations";
import type { Caller, Session } from "../../src/domains/identity/domain/session";
import type { SessionRevocationListener, SessionRevocations } from "../../src/domains/identity/domain/session-revocations";
import { systemClock } from "../../src/shared/kernel/clock";

const WINDOW_MS = 16 * 60_000;

/** A shared store and bus as two nodes see them, with the session rows behind them and a switch for the bus. */
const cluster = () => {
  const rows = new Map<string, { userId: string; revokedAt: Date | null }>();
  const keys = new Set<string>();
  const listeners = new Set<SessionRevocationListener>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let busUp = true;
  const calls = { storeChecks: 0, rowReads: 0 };
  const store: SessionRevocations = {
    async revoke(callers) {
      if (!busUp) throw new Error("bus down");
      for (const caller of callers) keys.add(caller.sessionId);
      for (const caller of callers) for (const listener of listeners) listener(caller);
    },
    async isRevoked(sessionId) {
      calls.storeChecks++;
      if (!busUp) throw new Error("bus down");
      return keys.has(sessionId);
    },
    async onRevoked(listener) {
      if (!busUp) throw new Error("bus down");
      listeners.add(listener);
      return async () => void listeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => void connectionListeners.delete(listener);
    },
  };
  const sessions = {
    async find(id: string): Promise<Session | null> {
      calls.rowReads++;
      const row = rows.get(id);
      return row ? ({ id, userId: row.userId, revokedAt: row.revokedAt } as Session) : null;
    },
    async listRevokedSince(since: Date) {
      return [...rows].filter(([, row]) => row.revokedAt && row.revokedAt >= since).map(([id, row]) => ({ id, userId: row.userId }));
    },
  };
  const node = () => resilientRevocations({ store, sessions, clock: systemClock, windowMs: WINDOW_MS, retryIntervalMs: 20 });
  /** What a logout does: the row first, then the store (which may be down). */
  const logOut = async (revocations: SessionRevocations, caller: Caller) => {
    rows.set(caller.sessionId, { userId: caller.userId, revokedAt: new Date() });
    await revocations.revoke([caller]);
  };
  const setBus = (up: boolean) => {
    busUp = up;
    for (const listener of connectionListeners) listener(up);
  };
  return { rows, calls, node, logOut, setBus };
};

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await Bun.sleep(5);
  expect(condition()).toBe(true);
};

describe("resilient revocations", () => {
  test("once subscribed and reconciled, checks need no round trip, and a logout on another node applies at once", async () => {
    const { rows, calls, node, logOut } = cluster();
    rows.set("100", { userId: "1", revokedAt: new Date() });
    rows.set("101", { userId: "1", revokedAt: null });
    const [a, b] = [node(), node()];
    await until(() => a.answersLocally() && b.answersLocally());
    const before = { ...calls };
    expect(await b.isRevoked("100")).toBe(true); // revoked before the node started: from the reconcile
    expect(await b.isRevoked("101")).toBe(false);
    await logOut(a, { userId: "1", sessionId: "101" });
    expect(await b.isRevoked("101")).toBe(true);
    expect(await a.isRevoked("101")).toBe(true);
    expect(calls).toEqual(before);
    a.close();
    b.close();
  });

  test("while the bus is down checks go to the rows; a logout missed meanwhile is loaded once it is back", async () => {
    const { rows, calls, node, logOut, setBus } = cluster();
    rows.set("200", { userId: "2", revokedAt: null });
    rows.set("201", { userId: "2", revokedAt: null });
    const [a, b] = [node(), node()];
    await until(() => a.answersLocally() && b.answersLocally());
    setBus(false);
    expect(b.answersLocally()).toBe(false);
    await logOut(a, { userId: "2", sessionId: "200" }); // the announcement is lost: only the row has it
    const rowReads = calls.rowReads;
    expect(await b.isRevoked("200")).toBe(true);
    expect(await b.isRevoked("201")).toBe(false);
    expect(calls.rowReads).toBe(rowReads + 2);
    setBus(true);
    await until(() => b.answersLocally());
    expect(await b.isRevoked("200")).toBe(true);
    expect(await b.isRevoked("201")).toBe(false);
    expect(calls.rowReads).toBe(rowReads + 2);
    a.close();
    b.close();
  });

  test("ids that are not snowflakes are revoked without asking anyone", async () => {
    const { calls, node } = cluster();
    const revocations = node();
    expect(await revocations.isRevoked("not-a-session")).toBe(true);
    expect(calls).toEqual({ storeChecks: 0, rowReads: 0 });
    revocations.close();
  });
});
