import { describe, expect, test } from "bun:test";
import { createMembershipCache } from "../../src/domains/message/application/membership-cache";
import type { AuthorMembership, MessageMembers } from "../../src/domains/message/domain/message-members";
import { fakeNotices } from "../support/fake-notices";


/** A store of memberships that counts its reads. */
const countingMembers = () => {
  const memberships = new Map<string, AuthorMembership | null>();
  let reads = 0;
  const inner: MessageMembers = {
    authorIn: async (channelId, userId) => {
      reads++;
      return memberships.get(`${channelId}:${userId}`) ?? null;
    },
    roles: async () => [],
  };
  return { inner, memberships, reads: () => reads };
};

const member = (nick: string): AuthorMembership => ({ nick, joinedAt: new Date(0), roleIds: [] });

describe("the membership cache", () => {
  test("answers a repeated question from memory, until the member changes", async () => {
    const { notices, notify } = fakeNotices();
    const store = countingMembers();
    const clock = { now: () => 1_000 };
    const cache = createMembershipCache({ inner: store.inner, notices, clock });
    store.memberships.set("10:5", member("Al"));
    expect(await cache.authorIn("10", "5")).toEqual(member("Al"));
    expect(await cache.authorIn("10", "5")).toEqual(member("Al"));
    expect(store.reads()).toBe(1);
    store.memberships.set("10:5", member("Alice"));
    notify({ type: "MEMBER_UPDATED", guildId: "1", userId: "5" });
    expect((await cache.authorIn("10", "5"))?.nick).toBe("Alice");
    notify({ type: "MEMBER_UPDATED", guildId: "1", userId: "6" });
    await cache.authorIn("10", "5");
    expect(store.reads()).toBe(2);
    store.memberships.set("10:5", null);
    notify({ type: "ROLE_DELETED", guildId: "1" });
    expect(await cache.authorIn("10", "5")).toBeNull();
    expect(store.reads()).toBe(3);
    cache.close();
  });

  test("keeps nothing while notices may be missed, and nothing past its time to live", async () => {
    const { notices, lose } = fakeNotices();
    const store = countingMembers();
    const clock = { time: 1_000, now: () => clock.time };
    const cache = createMembershipCache({ inner: store.inner, notices, clock, ttlMs: 100 });
    await cache.authorIn("10", "5");
    clock.time += 101;
    await cache.authorIn("10", "5");
    expect(store.reads()).toBe(2);
    lose();
    await cache.authorIn("10", "5");
    await cache.authorIn("10", "5");
    expect(store.reads()).toBe(4);
    cache.close();
  });
});
