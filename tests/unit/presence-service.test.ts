import { describe, expect, test } from "bun:test";
import { createPresenceService } from "../../src/domains/presence/application/presence-service";
import { MemoryKeyValueStore } from "../../src/shared/infrastructure/memory/memory-key-value-store";
import { MemoryPresenceStore } from "../../src/shared/infrastructure/memory/memory-presence-store";
import { MemoryPubSub } from "../../src/shared/infrastructure/memory/memory-pub-sub";
import { createManualClock } from "../../src/shared/kernel/clock";
import { topics } from "../../src/shared/kernel/domain-event";
import { createSnowflakeGenerator } from "../../src/shared/kernel/snowflake";

const TTL_MS = 3_000;
const GRACE_MS = 1_000;
const GUILD = "guild-1";
const playing = [{ name: "Chess", type: 0, created_at: 1_700_000_000_000 }];

/** A presence service on memory adapters, the PRESENCE_UPDATEs it published to the guild, and its stores. */
const setup = async () => {
  const clock = createManualClock();
  const store = new MemoryPresenceStore();
  const kv = new MemoryKeyValueStore({ clock });
  const pubSub = new MemoryPubSub();
  const published: Array<{ user_id: string; status: string; activities?: unknown[] }> = [];
  await pubSub.subscribe(topics.guild(GUILD), (message) => published.push(JSON.parse(message).data));
  const presence = createPresenceService({
    store,
    kv,
    pubSub,
    clock,
    ids: createSnowflakeGenerator(1, clock),
    guildIdsOf: async () => [GUILD],
    sessionTtlMs: TTL_MS,
    offlineGraceMs: GRACE_MS,
    onError: (error) => {
      throw error;
    },
  });
  return { clock, store, kv, presence, published };
};

describe("presence service", () => {
  test("a session reaped while its heartbeats could not be recorded shows again, as it was, at its next heartbeat", async () => {
    const { clock, presence, published } = await setup();
    await presence.connected("alice", "s1", { status: "dnd", activities: playing });
    // Its heartbeats fail (Redis away) past the session's TTL and the offline grace; a node reaps it.
    clock.advance(TTL_MS + 1);
    await presence.sweep();
    clock.advance(GRACE_MS + 1);
    await presence.sweep();
    expect(await presence.statuses(["alice"])).toEqual(new Map([["alice", "offline"]]));
    expect(published.at(-1)).toMatchObject({ user_id: "alice", status: "offline" });

    // Still connected, it heartbeats once Redis answers: no reconnect needed.
    await presence.heartbeat("alice", "s1");
    expect(await presence.statuses(["alice"])).toEqual(new Map([["alice", "dnd"]]));
    expect(published.at(-1)).toMatchObject({ user_id: "alice", status: "dnd", activities: playing });
    expect(await presence.presencesOf(["alice"])).toEqual([{ user: { id: "alice" }, status: "dnd", activities: playing, client_status: { desktop: "dnd" } }]);
  });

  test("a session lost with Redis' data shows again at its next heartbeat; an invisible one stays hidden", async () => {
    const { presence, store, published } = await setup();
    await presence.connected("bob", "b1", { status: "online" });
    await presence.connected("carol", "c1", { status: "invisible" });
    // Redis comes back empty: no sessions, no announcements.
    for (const [user, session] of [["bob", "b1"], ["carol", "c1"]] as const) await store.remove(user, session);
    await store.setAnnounced("bob", "offline");
    await presence.heartbeat("bob", "b1");
    await presence.heartbeat("carol", "c1");
    expect(await presence.statuses(["bob", "carol"])).toEqual(new Map([["bob", "online"], ["carol", "offline"]]));
    expect(published.filter((update) => update.user_id === "carol")).toEqual([]);
  });

  test("a heartbeat of a recorded session only extends it: nothing is announced again", async () => {
    const { clock, presence, published } = await setup();
    await presence.connected("dave", "d1", { status: "idle" });
    const announced = published.length;
    clock.advance(TTL_MS - 1);
    await presence.heartbeat("dave", "d1");
    clock.advance(TTL_MS - 1);
    await presence.sweep();
    expect(await presence.statuses(["dave"])).toEqual(new Map([["dave", "idle"]]));
    expect(published).toHaveLength(announced);
  });

  test("a heartbeat that raced its session's disconnect announces nothing, and the user goes offline", async () => {
    const { clock, presence, published } = await setup();
    await presence.connected("erin", "e1", { status: "dnd" });
    await presence.disconnected("erin", "e1");
    await presence.heartbeat("erin", "e1");
    expect(published.filter((update) => update.user_id === "erin").map((update) => update.status)).toEqual(["dnd"]);
    clock.advance(TTL_MS + 1);
    await presence.sweep();
    clock.advance(GRACE_MS + 1);
    await presence.sweep();
    expect(await presence.statuses(["erin"])).toEqual(new Map([["erin", "offline"]]));
    expect(await presence.presencesOf(["erin"])).toEqual([]);
  });

  test("presencesOf reads every online user's activities, in the order asked, and leaves out the offline", async () => {
    const { presence } = await setup();
    await presence.connected("u1", "s1", { status: "online", activities: playing });
    await presence.connected("u2", "s2", { status: "idle" });
    const presences = await presence.presencesOf(["u2", "nobody", "u1"], GUILD);
    expect(presences).toEqual([
      { user: { id: "u2" }, status: "idle", activities: [], client_status: { desktop: "idle" }, guild_id: GUILD },
      { user: { id: "u1" }, status: "online", activities: playing, client_status: { desktop: "online" }, guild_id: GUILD },
    ]);
  });
});
