import { describe, expect, test } from "bun:test";
import { type AppEvent, DISPATCH_NAMES } from "../../src/app-events";
import type { ChannelEvent } from "../../src/domains/channel/domain/channel-events";
import type { PresenceEvent } from "../../src/domains/presence/domain/presence-events";
import { type DispatchRules, FORWARD, eventRoutes } from "../../src/shared/gateway/gateway-ports";
import { GatewaySession } from "../../src/shared/gateway/gateway-session";
import { type DomainEvent, eventConsumer, handleEvents } from "../../src/shared/kernel/domain-event";

/*
 * The contract is checked by the compiler first: `bun run typecheck` (and CI) fails on each line marked
 * @ts-expect-error below if it ever compiles, so these are tests of the types as much as of the code.
 */
const channelRules: DispatchRules<ChannelEvent> = { CHANNEL_CREATED: () => FORWARD, CHANNEL_UPDATED: null, CHANNEL_DELETED: null };

// @ts-expect-error an event of the union without a rule does not compile
const missingRule: DispatchRules<ChannelEvent> = { CHANNEL_CREATED: null, CHANNEL_UPDATED: null };

// @ts-expect-error a rule for an event that does not exist does not compile
const unknownRule: DispatchRules<PresenceEvent> = { PRESENCE_UPDATED: null, PRESENCE_FORGOTTEN: null };

const typedRule: DispatchRules<PresenceEvent> = {
  // A rule gets its own event's data, typed: no cast.
  PRESENCE_UPDATED: ({ data }) => (data.status === "offline" ? null : FORWARD),
};

// @ts-expect-error a handler reads only the fields its own event has
handleEvents<ChannelEvent>({ CHANNEL_DELETED: ({ data }) => data.user_id });

const event = <E extends DomainEvent>(type: E["type"], data: E["data"], topics: DomainEvent["topics"] = ["guild:1"]): DomainEvent =>
  ({ id: String(Math.floor(Math.random() * 1e15)), type, occurredAt: new Date(0).toISOString(), topics, data }) as DomainEvent;

describe("the event contract", () => {
  test("every event of AppEvent has a dispatch name or an explicit null, and the table names no other", () => {
    // The `satisfies` in app-events.ts is the real check; this one keeps the table's intent visible at run time.
    const names: Record<AppEvent["type"], string | null> = DISPATCH_NAMES;
    expect(Object.values(names).filter((name) => name !== null).length).toBeGreaterThan(20);
    expect(names.MESSAGE_SENT).toBe("MESSAGE_CREATE");
    expect(names.USER_CREATED).toBeNull();
  });

  test("routes join each rule with its dispatch name, leaving out events sent to no session", () => {
    const routes = eventRoutes<ChannelEvent>(channelRules, { CHANNEL_CREATED: "CHANNEL_CREATE", CHANNEL_UPDATED: null, CHANNEL_DELETED: null });
    expect([...routes.keys()]).toEqual(["CHANNEL_CREATED"]);
    expect(routes.get("CHANNEL_CREATED")?.name).toBe("CHANNEL_CREATE");
    expect(typedRule.PRESENCE_UPDATED).toBeFunction();
    expect([missingRule, unknownRule]).toHaveLength(2);
  });

  test("a rule without a name, or a name without a rule, is refused when the routes are built", () => {
    expect(() => eventRoutes<ChannelEvent>(channelRules, { CHANNEL_CREATED: null, CHANNEL_UPDATED: null, CHANNEL_DELETED: null })).toThrow(/CHANNEL_CREATED/);
    expect(() => eventRoutes<ChannelEvent>(channelRules, { CHANNEL_CREATED: "CHANNEL_CREATE", CHANNEL_UPDATED: "CHANNEL_UPDATE", CHANNEL_DELETED: null })).toThrow(
      /CHANNEL_UPDATED/,
    );
  });

  test("handlers run for their own event type only; a consumer names the types it reads", async () => {
    const seen: string[] = [];
    const handle = handleEvents<ChannelEvent>({ CHANNEL_DELETED: ({ data }) => void seen.push(data.id) });
    handle(event<ChannelEvent>("CHANNEL_UPDATED", { id: "7", type: 0, permission_overwrites: [], last_message_id: null }));
    handle(event<ChannelEvent>("CHANNEL_DELETED", { id: "8", type: 0, permission_overwrites: [], last_message_id: null }));
    expect(seen).toEqual(["8"]);

    const consumer = eventConsumer<ChannelEvent>({ CHANNEL_CREATED: async ({ data }) => void seen.push(`created ${data.id}`) });
    expect([...consumer.types]).toEqual(["CHANNEL_CREATED"]);
    await consumer.handle(event<ChannelEvent>("CHANNEL_CREATED", { id: "9", type: 0, permission_overwrites: [], last_message_id: null }));
    await consumer.handle(event<ChannelEvent>("CHANNEL_DELETED", { id: "10", type: 0, permission_overwrites: [], last_message_id: null }));
    expect(seen).toEqual(["8", "created 9"]);
  });
});

describe("a gateway session sends what the rules decide, under the table's names", () => {
  const listening = (rules: DispatchRules<PresenceEvent>) => {
    const frames: { t: string; d: unknown }[] = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    const socket = {
      sendText(text: string) {
        frames.push(JSON.parse(text));
        for (const waiter of waiters) if (frames.length >= waiter.count) waiter.resolve();
        return text.length;
      },
      getBufferedAmount: () => 0,
      close: () => {},
    };
    /** Resolves once `count` frames were written (they leave after their resume-buffer write). */
    const written = (count: number) => new Promise<void>((resolve) => (frames.length >= count ? resolve() : waiters.push({ count, resolve })));
    const routes = eventRoutes<PresenceEvent>(rules, { PRESENCE_UPDATED: "PRESENCE_UPDATE" });
    const session = new GatewaySession("s1", socket, { rules: routes, router: { join: async () => {}, leave: async () => {} } as never, resume: { append: async () => {} } as never, onError: (error) => { throw error; } }, 0);
    session.viewer = { userId: "2", sessionId: "a" };
    void session.applyTopicChanges({ subscribe: ["guild:1"] });
    return { session, frames, written };
  };
  const presence = (status: string) => event<PresenceEvent>("PRESENCE_UPDATED", { user_id: "5", guild_id: "1", status: status as "online" });

  test("FORWARD sends the event's data under its dispatch name; null sends nothing", async () => {
    const { session, frames, written } = listening({ PRESENCE_UPDATED: ({ data }) => (data.status === "offline" ? null : FORWARD) });
    await session.handle(presence("offline"));
    await session.handle(presence("online"));
    await written(1);
    expect(frames.map((frame) => [frame.t, frame.d])).toEqual([["PRESENCE_UPDATE", { user_id: "5", guild_id: "1", status: "online" }]]);
  });

  test("a delivery's dispatch without a name goes under the event's; one with a name goes under its own", async () => {
    const { session, frames, written } = listening({ PRESENCE_UPDATED: ({ data }) => ({ dispatches: [{ d: { id: data.user_id } }, { t: "OTHER", d: 1 }] }) });
    await session.handle(presence("idle"));
    await written(2);
    expect(frames.map((frame) => [frame.t, frame.d])).toEqual([
      ["PRESENCE_UPDATE", { id: "5" }],
      ["OTHER", 1],
    ]);
  });

  test("an event on a topic the session does not hear is not decided at all", async () => {
    let asked = 0;
    const { session, frames } = listening({ PRESENCE_UPDATED: () => (asked++, FORWARD) });
    await session.handle(event<PresenceEvent>("PRESENCE_UPDATED", { user_id: "5", guild_id: "3", status: "online" }, ["guild:3"]));
    expect([asked, frames.length]).toEqual([0, 0]);
  });
});
