import { describe, expect, test } from "bun:test";
import { createHistoryCache } from "../../src/domains/message/application/history-cache";
import { PERMISSION_CHANGES, visibilityChanges } from "../../src/app-events";
import { createChannelVisibility } from "../../src/domains/channel/presentation/channel-visibility";
import { createPermissionCache } from "../../src/domains/channel/application/permission-cache";
import type { ResolvedChannel } from "../../src/domains/channel/domain/permission-resolver";
import type { Message } from "../../src/domains/message/domain/message";
import { fakeNotices } from "../support/fake-notices";

const clockAt = (start = 1_000_000) => {
  const clock = { time: start, now: () => clock.time };
  return clock;
};

const message = (id: string, fields: Partial<Message> = {}): Message => ({
  id, channelId: "10", guildId: "1", authorId: "5", content: `message ${id}`, editedAt: null, mentionIds: [], mentionEveryone: false,
  pinned: false, attachments: [], reactions: [], type: 0, flags: 0, embeds: [], mentionRoleIds: [], reference: null, ...fields,
});

/** A pending promise and its resolver, to hold a load in flight. */
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
};

describe("newest-page cache", () => {
  const setup = (options: { ttlMs?: number; maxBytes?: number } = {}) => {
    const bus = fakeNotices();
    const clock = clockAt();
    const loads: string[] = [];
    let pages = new Map<string, Message[]>([["10", [message("3"), message("2"), message("1")]]]);
    const cache = createHistoryCache({
      load: async (channelId) => (loads.push(channelId), pages.get(channelId) ?? []),
      mine: async (viewerId, ids) => (viewerId === "7" ? ids.map((messageId) => ({ messageId, emoji: "👍" })) : []),
      notices: bus.notices,
      clock,
      ...options,
    });
    return { bus, clock, loads, cache, setPages: (next: Map<string, Message[]>) => void (pages = next) };
  };

  test("reads the channel once, then answers any limit from memory", async () => {
    const { cache, loads } = setup();
    expect((await cache.newest("10", 2, "5")).map((m) => m.id)).toEqual(["3", "2"]);
    expect((await cache.newest("10", 50, "5")).map((m) => m.id)).toEqual(["3", "2", "1"]);
    expect(loads).toEqual(["10"]);
  });

  test("a notice for the channel drops it; one for another channel does not", async () => {
    const { cache, loads, bus } = setup();
    await cache.newest("10", 50, "5");
    bus.notify({ type: "MESSAGE_SENT", channelId: "11" });
    await cache.newest("10", 50, "5");
    bus.notify({ type: "MESSAGE_UPDATED", channelId: "10" });
    await cache.newest("10", 50, "5");
    expect(loads).toEqual(["10", "10"]);
  });

  test("a load that a notice overtook answers its callers but is not kept", async () => {
    const bus = fakeNotices();
    const pending = deferred<Message[]>();
    let calls = 0;
    const cache = createHistoryCache({ load: () => (calls++ === 0 ? pending.promise : Promise.resolve([message("9")])), mine: async () => [], notices: bus.notices, clock: clockAt() });
    const first = cache.newest("10", 50, "5");
    bus.notify({ type: "MESSAGE_SENT", channelId: "10" });
    pending.resolve([message("8")]);
    expect((await first).map((m) => m.id)).toEqual(["8"]);
    expect((await cache.newest("10", 50, "5")).map((m) => m.id)).toEqual(["9"]);
    expect(calls).toBe(2);
  });

  test("a dropped subscription empties the cache, and nothing is kept until notices are heard again", async () => {
    const { cache, loads, bus } = setup();
    await cache.newest("10", 50, "5");
    bus.lose();
    expect(cache.stats().channels).toBe(0);
    await cache.newest("10", 50, "5");
    await cache.newest("10", 50, "5");
    expect(loads).toEqual(["10", "10", "10"]);
    bus.regain();
    await cache.newest("10", 50, "5");
    await cache.newest("10", 50, "5");
    expect(loads.length).toBe(4);
  });

  test("entries expire after the TTL", async () => {
    const { cache, loads, clock } = setup({ ttlMs: 1000 });
    await cache.newest("10", 50, "5");
    clock.time += 999;
    await cache.newest("10", 50, "5");
    clock.time += 1;
    await cache.newest("10", 50, "5");
    expect(loads).toEqual(["10", "10"]);
  });

  test("memory is bounded: the least recently read channel goes first", async () => {
    const { cache, loads, setPages } = setup({ maxBytes: 2 * (256 + 2 * "message 1".length) + 10 });
    setPages(new Map([["10", [message("1")]], ["11", [message("1")]], ["12", [message("1")]]]));
    await cache.newest("10", 50, "5");
    await cache.newest("11", 50, "5");
    await cache.newest("10", 50, "5");
    await cache.newest("12", 50, "5");
    expect(cache.stats().channels).toBe(2);
    await cache.newest("10", 50, "5");
    await cache.newest("11", 50, "5");
    expect(loads).toEqual(["10", "11", "12", "11"]);
  });

  test("`me` is the viewer's own: read per request, only for messages with reactions", async () => {
    const { cache, setPages } = setup();
    setPages(new Map([["10", [message("2", { reactions: [{ emoji: "👍", count: 2, me: false }] }), message("1")]]]));
    const forViewer = await cache.newest("10", 50, "7");
    const forOther = await cache.newest("10", 50, "5");
    expect(forViewer[0]!.reactions).toEqual([{ emoji: "👍", count: 2, me: true }]);
    expect(forOther[0]!.reactions).toEqual([{ emoji: "👍", count: 2, me: false }]);
    expect(forViewer[1]).toBe(forOther[1]!);
  });
});

describe("channel permission cache", () => {
  const resolved = (channelId: string, guildId: string | null, permissions: bigint): ResolvedChannel => ({
    channel: { id: channelId, type: 0, guildId: guildId ?? "0", name: "c", position: 0, parentId: null, topic: null, nsfw: false, userLimit: 0, overwrites: [], lastMessageId: null } as never,
    guildId,
    permissions,
  });
  const setup = () => {
    const bus = fakeNotices();
    const asked: string[] = [];
    let permissions = 1n;
    const cache = createPermissionCache({
      inner: {
        forChannel: async (userId, channelId) => (asked.push(`${channelId}/${userId}`), channelId === "404" ? null : resolved(channelId, "1", permissions)),
        inGuild: async () => 0n,
        channelsOf: async () => [],
      },
      notices: bus.notices,
      clock: clockAt(),
      changes: PERMISSION_CHANGES,
    });
    return { bus, asked, cache, set: (value: bigint) => void (permissions = value) };
  };

  test("asks once per (channel, user)", async () => {
    const { cache, asked } = setup();
    await cache.forChannel("5", "10");
    await cache.forChannel("5", "10");
    await cache.forChannel("6", "10");
    expect(asked).toEqual(["10/5", "10/6"]);
  });

  test("a role change drops the whole guild; a member change only that member; a channel change only that channel", async () => {
    const { cache, asked, bus, set } = setup();
    for (const [user, channel] of [["5", "10"], ["6", "10"], ["5", "11"]] as const) await cache.forChannel(user, channel);
    set(2n);
    bus.notify({ type: "MEMBER_UPDATED", guildId: "1", userId: "5" });
    expect((await cache.forChannel("5", "10"))!.permissions).toBe(2n);
    expect((await cache.forChannel("6", "10"))!.permissions).toBe(1n);
    bus.notify({ type: "CHANNEL_UPDATED", channelId: "11", guildId: "1" });
    expect((await cache.forChannel("5", "11"))!.permissions).toBe(2n);
    bus.notify({ type: "ROLE_UPDATED", guildId: "1" });
    expect((await cache.forChannel("6", "10"))!.permissions).toBe(2n);
    expect(asked).toEqual(["10/5", "10/6", "11/5", "10/5", "11/5", "10/6"]);
  });

  test("a send moves the cached channel's newest message forward, for every user, without asking again", async () => {
    const { cache, asked, bus } = setup();
    await cache.forChannel("5", "10");
    await cache.forChannel("6", "10");
    bus.notify({ type: "MESSAGE_SENT", channelId: "10", guildId: "1", messageId: "70" });
    bus.notify({ type: "MESSAGE_SENT", channelId: "10", guildId: "1", messageId: "69" }); // an older one arriving late
    expect((await cache.forChannel("5", "10"))!.channel.lastMessageId).toBe("70");
    expect((await cache.forChannel("6", "10"))!.channel.lastMessageId).toBe("70");
    expect(asked).toEqual(["10/5", "10/6"]);
  });

  test("an answer read while a message was sent to its channel is kept with that message as the newest", async () => {
    const { cache, asked, bus } = setup();
    const reading = cache.forChannel("5", "10");
    bus.notify({ type: "MESSAGE_SENT", channelId: "10", guildId: "1", messageId: "80" });
    expect((await reading)!.channel.lastMessageId).toBe("80");
    expect((await cache.forChannel("5", "10"))!.channel.lastMessageId).toBe("80");
    expect(asked).toEqual(["10/5"]);
  });

  test("deleting a message drops the channel (its newest message may be gone)", async () => {
    const { cache, asked, bus } = setup();
    await cache.forChannel("5", "10");
    bus.notify({ type: "MESSAGE_DELETED", channelId: "10", guildId: "1", messageId: "80" });
    await cache.forChannel("5", "10");
    expect(asked).toEqual(["10/5", "10/5"]);
  });

  test("an answer read across a notice, an unknown channel and anything read while notices may be missed are not kept", async () => {
    const { cache, asked, bus } = setup();
    const reading = cache.forChannel("5", "10");
    bus.notify({ type: "ROLE_DELETED", guildId: "9" });
    await reading;
    await cache.forChannel("5", "10");
    expect(await cache.forChannel("5", "404")).toBeNull();
    await cache.forChannel("5", "404");
    bus.lose();
    await cache.forChannel("5", "10");
    await cache.forChannel("5", "10");
    expect(asked).toEqual(["10/5", "10/5", "404/5", "404/5", "10/5", "10/5"]);
  });
});

describe("the gateway's channel visibility, kept current by the events that change permissions", () => {
  const setup = () => {
    const asked: string[] = [];
    const visibility = createChannelVisibility({
      forChannel: async (userId, channelId) =>
        (asked.push(`${channelId}/${userId}`), { channel: { id: channelId } as never, guildId: "1", permissions: 1024n }),
      inGuild: async () => 0n,
      channelsOf: async () => [],
    });
    const observe = visibilityChanges(visibility);
    const event = (type: string, data: unknown) => observe({ id: "9", type, occurredAt: new Date(0).toISOString(), topics: ["guild:1"], data });
    return { asked, visibility, event };
  };

  test("a role change drops every answer in the guild; a member's change drops only theirs; other events drop nothing", async () => {
    const { asked, visibility, event } = setup();
    await visibility.permissions("5", "10");
    await visibility.permissions("6", "10");
    event("MESSAGE_SENT", { id: "99", channel_id: "10", guild_id: "1" });
    event("MEMBER_UPDATED", { guild_id: "1", user: { id: "5" } });
    await visibility.permissions("5", "10");
    await visibility.permissions("6", "10");
    expect(asked).toEqual(["10/5", "10/6", "10/5"]);
    event("ROLE_UPDATED", { guild_id: "1", role: { id: "1" } });
    await visibility.permissions("6", "10");
    expect(asked).toEqual(["10/5", "10/6", "10/5", "10/6"]);
  });

  test("a channel's update or deletion drops that channel's answers", async () => {
    const { asked, visibility, event } = setup();
    await visibility.permissions("5", "10");
    event("CHANNEL_UPDATED", { id: "10", guild_id: "1" });
    expect(visibility.size()).toBe(0);
    await visibility.permissions("5", "10");
    expect(asked).toEqual(["10/5", "10/5"]);
  });
});
