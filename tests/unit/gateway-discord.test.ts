import { describe, expect, test } from "bun:test";
import zlib from "node:zlib";
import { createFrameHandler } from "../../src/shared/gateway/frame-handler";
import type { HandlerDeps } from "../../src/shared/gateway/gateway-handlers";
import { FORWARD, type EventRoutes, type Viewer } from "../../src/shared/gateway/gateway-ports";
import { IdentifyPayload } from "../../src/shared/gateway/gateway-protocol";
import { GatewaySession } from "../../src/shared/gateway/gateway-session";
import { createIdentifyBudget } from "../../src/shared/gateway/identify-budget";
import { checkIdentify, presenceInputOf } from "../../src/shared/gateway/identify-checks";
import { ApplicationFlag } from "../../src/shared/kernel/users";
import { Intent, VALID_INTENTS, disallowedIntents, intentNeeded, shardOf } from "../../src/shared/gateway/intents";
import { memberChunks } from "../../src/shared/gateway/member-requests";
import { SessionProfile } from "../../src/shared/gateway/session-profile";
import { zlibStream } from "../../src/shared/gateway/zlib-transport";
import { MemoryKeyValueStore } from "../../src/shared/infrastructure/memory/memory-key-value-store";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";

const user: Viewer = { userId: "100", sessionId: "auth-1" };
const bot = (flags = 0): Viewer => ({ userId: "200", sessionId: "auth-2", bot: { applicationId: "300", flags } });
const identify = (extra: Partial<IdentifyPayload> = {}): IdentifyPayload => ({ token: "t", ...extra });

describe("intents: Discord's bits and table", () => {
  test("every defined bit is valid and nothing else; privileged intents need their application flag (full or limited)", () => {
    expect(VALID_INTENTS).toBe(0b11_0011_0001_1111_1111_1111_1111);
    const privileged = Intent.GUILD_MEMBERS | Intent.GUILD_PRESENCES | Intent.MESSAGE_CONTENT;
    expect(disallowedIntents(privileged | Intent.GUILDS, 0)).toBe(privileged);
    expect(disallowedIntents(privileged, ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED | ApplicationFlag.GATEWAY_PRESENCE)).toBe(Intent.MESSAGE_CONTENT);
    expect(disallowedIntents(Intent.MESSAGE_CONTENT, ApplicationFlag.GATEWAY_MESSAGE_CONTENT)).toBe(0);
  });

  test("a dispatch needs its guild intent in a guild and its DM intent in a DM; unlisted dispatches need none", () => {
    expect(intentNeeded("MESSAGE_CREATE", true)).toBe(Intent.GUILD_MESSAGES);
    expect(intentNeeded("MESSAGE_CREATE", false)).toBe(Intent.DIRECT_MESSAGES);
    expect(intentNeeded("TYPING_START", false)).toBe(Intent.DIRECT_MESSAGE_TYPING);
    expect(intentNeeded("PRESENCE_UPDATE", true)).toBe(Intent.GUILD_PRESENCES);
    expect(intentNeeded("GUILD_BAN_ADD", true)).toBe(Intent.GUILD_MODERATION);
    expect(intentNeeded("CHANNEL_CREATE", false)).toBe(0);
    for (const name of ["READY", "USER_UPDATE", "MESSAGE_ACK", "GUILD_MEMBERS_CHUNK", "VOICE_SERVER_UPDATE"]) expect(intentNeeded(name, true)).toBe(0);
  });

  test("a guild's shard is (id >> 22) % num_shards", () => {
    const id = ((1234567n << 22n) | 99n).toString();
    expect(shardOf(id, 10)).toBe(7);
    expect(shardOf(id, 1)).toBe(0);
  });
});

describe("IDENTIFY's options", () => {
  test("users may omit intents; bad bits 4013; a bot needs intents (4013) its application allows (4014); a bad shard 4010", () => {
    expect(checkIdentify(identify(), user)).toEqual({ options: {} });
    expect(checkIdentify(identify({ intents: 1 << 17 }), user)).toEqual({ refuse: { code: 4013, reason: "Invalid intent(s)" } });
    expect(checkIdentify(identify({ intents: 2 ** 33 }), user)).toMatchObject({ refuse: { code: 4013 } });
    expect(checkIdentify(identify(), bot())).toMatchObject({ refuse: { code: 4013 } });
    expect(checkIdentify(identify({ intents: Intent.GUILD_MEMBERS }), bot())).toMatchObject({ refuse: { code: 4014 } });
    expect(checkIdentify(identify({ intents: Intent.GUILD_MEMBERS }), bot(ApplicationFlag.GATEWAY_GUILD_MEMBERS))).toEqual({ options: { intents: Intent.GUILD_MEMBERS } });
    expect(checkIdentify(identify({ intents: Intent.GUILD_MEMBERS }), user)).toEqual({ options: { intents: Intent.GUILD_MEMBERS } });
    for (const shard of [[1, 1], [0, 0], [-1, 2], [0, 1025]]) expect(checkIdentify(identify({ shard }), user)).toMatchObject({ refuse: { code: 4010 } });
    expect(checkIdentify(identify({ shard: [3, 4], large_threshold: 100, compress: true }), user)).toEqual({ options: { shard: [3, 4], largeThreshold: 100, compress: true } });
  });

  test("a presence: null status is online; activities only when given (or discord.py's game); kept fields stamped with the time", () => {
    expect(presenceInputOf({ status: "dnd" }, 5)).toEqual({ status: "dnd" });
    expect(presenceInputOf({ status: "offline" }, 5)).toEqual({ status: "invisible" });
    expect(presenceInputOf({ status: null, activities: [] }, 5)).toEqual({ status: "online", activities: [] });
    const activity = { name: "chess", type: 0, state: "winning", url: null, timestamps: { start: 1 } };
    expect(presenceInputOf({ activities: [activity] }, 5)).toEqual({ status: "online", activities: [{ name: "chess", type: 0, state: "winning", created_at: 5 }] });
    expect(presenceInputOf({ game: { name: "go" } } as never, 7)).toEqual({ status: "online", activities: [{ name: "go", type: 0, created_at: 7 }] });
  });
});

describe("a session's profile: shard, intents and MESSAGE_CONTENT", () => {
  const event = (data: Record<string, unknown>): DomainEvent => ({ id: "e", type: "MESSAGE_SENT", occurredAt: new Date(0).toISOString(), topics: [], data }) as never;

  test("only sessions that ask for something carry a profile", () => {
    expect(SessionProfile.of({}, user)).toBeUndefined();
    expect(SessionProfile.of({ shard: [0, 1] }, user)).toBeUndefined();
    expect(SessionProfile.of({ intents: 1 }, user)).toBeInstanceOf(SessionProfile);
    expect(SessionProfile.of({ intents: 1 }, bot())).toBeInstanceOf(SessionProfile);
  });

  test("a shard hears its guilds' events, and what is no guild's only on shard 0", () => {
    const guildId = ((5n << 22n) | 1n).toString();
    const zero = new SessionProfile({ shard: [0, 2] }, "1", false);
    const one = new SessionProfile({ shard: [1, 2] }, "1", false);
    expect([zero.inShard(event({ guild_id: guildId })), one.inShard(event({ guild_id: guildId }))]).toEqual([false, true]);
    expect([zero.inShard(event({ channel_id: "9" })), one.inShard(event({ channel_id: "9" }))]).toEqual([true, false]);
    expect([zero.hasGuild(guildId), one.hasGuild(guildId)]).toEqual([false, true]);
  });

  test("a bot without MESSAGE_CONTENT sees guild messages emptied, one copy per message for the node; its own, its mentions and DMs whole", () => {
    const profile = new SessionProfile({ intents: Intent.GUILD_MESSAGES }, "200", true);
    const other = new SessionProfile({ intents: Intent.GUILD_MESSAGES }, "201", true);
    const message = { id: "1", guild_id: "5", author: { id: "9" }, mentions: [], content: "secret", embeds: [{}], attachments: [{}], components: [{}], referenced_message: { content: "quoted", embeds: [] } };
    const redacted = profile.view("MESSAGE_CREATE", message) as typeof message;
    expect(redacted).toMatchObject({ id: "1", content: "", embeds: [], attachments: [], components: [], referenced_message: { content: "" } });
    expect(message.content).toBe("secret");
    expect(other.view("MESSAGE_CREATE", message)).toBe(redacted);
    expect(profile.view("MESSAGE_CREATE", { ...message, author: { id: "200" } })).toMatchObject({ content: "secret" });
    expect(profile.view("MESSAGE_CREATE", { ...message, mentions: [{ id: "200" }] })).toMatchObject({ content: "secret" });
    expect(profile.view("MESSAGE_CREATE", { ...message, guild_id: undefined })).toMatchObject({ content: "secret" });
    expect(profile.view("MESSAGE_DELETE", message)).toBe(message);
    const withContent = new SessionProfile({ intents: Intent.GUILD_MESSAGES | Intent.MESSAGE_CONTENT }, "200", true);
    expect(withContent.view("MESSAGE_CREATE", message)).toBe(message);
    expect(new SessionProfile({ intents: Intent.GUILD_MESSAGES }, "200", false).view("MESSAGE_CREATE", message)).toBe(message);
  });
});

describe("the session's dispatch path", () => {
  const sessionWith = (profile?: SessionProfile) => {
    const sent: string[] = [];
    const routes: EventRoutes = new Map([["MESSAGE_SENT", { name: "MESSAGE_CREATE", rule: () => FORWARD }]]);
    const resume = { append: () => Promise.resolve() } as never;
    const session = new GatewaySession("s", { sendText: (text) => sent.push(text), getBufferedAmount: () => 0, close: () => {} }, { rules: routes, router: { join: async () => {}, leave: async () => {} } as never, resume, onError: (error) => { throw error; } }, 0);
    session.viewer = { userId: "200", sessionId: "a", ...(profile ? { bot: { applicationId: "1", flags: 0 } } : {}) };
    session.profile = profile;
    void session.applyTopicChanges({ subscribe: ["channel:1"] });
    return { session, sent };
  };
  const message = (id: string, guildId?: string): DomainEvent =>
    ({ id, type: "MESSAGE_SENT", occurredAt: new Date(0).toISOString(), topics: ["channel:1"], data: { id, channel_id: "1", guild_id: guildId, content: "hi", author: { id: "9" } } }) as never;

  test("intents filter what FORWARD sends; a session without a profile sends everything", async () => {
    const plain = sessionWith();
    const withoutMessages = sessionWith(new SessionProfile({ intents: Intent.GUILDS }, "200", true));
    const dmsOnly = sessionWith(new SessionProfile({ intents: Intent.DIRECT_MESSAGES | Intent.MESSAGE_CONTENT }, "200", true));
    for (const { session } of [plain, withoutMessages, dmsOnly]) {
      session.receive(message("g", "5"));
      session.receive(message("d"));
      await session.enqueue(() => {});
      await Promise.resolve();
    }
    const ids = (sent: string[]) => sent.map((text) => (JSON.parse(text) as { d: { id: string } }).d.id);
    expect(ids(plain.sent)).toEqual(["g", "d"]);
    expect(ids(withoutMessages.sent)).toEqual([]);
    expect(ids(dmsOnly.sent)).toEqual(["d"]);
  });
});

describe("transport compression", () => {
  test("one zlib stream: each piece ends with 00 00 ff ff and the concatenation inflates to the frames in order", () => {
    const stream = zlibStream();
    const noise = Array.from({ length: 1000 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join("");
    const frames = ['{"op":10}', JSON.stringify({ op: 0, d: noise }), JSON.stringify({ op: 0, d: noise }), JSON.stringify({ op: 0, d: "x".repeat(100_000) })];
    const pieces = frames.map((frame) => stream.deflate(frame));
    for (const piece of pieces) expect([...piece.subarray(-4)]).toEqual([0, 0, 0xff, 0xff]);
    expect(zlib.inflateSync(Buffer.concat(pieces), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString()).toBe(frames.join(""));
    // The context carries over: the second copy of a frame compresses to far less than the first.
    expect(pieces[2]!.length).toBeLessThan(pieces[1]!.length / 4);
    stream.close();
  });
});

describe("op 8's chunks and the session start limit", () => {
  const members = (count: number) => Array.from({ length: count }, (_, i) => ({ user: { id: String(i) }, joined_at: "t" }));

  test("1000 members per chunk, not_found on the first, each chunk with its members' presences, the nonce on all", () => {
    const presences = [{ user: { id: "5" }, status: "online", activities: [], client_status: { desktop: "online" } }, { user: { id: "1500" }, status: "idle", activities: [], client_status: { desktop: "idle" } }];
    const chunks = memberChunks("g", members(2001), { notFound: ["x"], presences, nonce: "n" });
    expect(chunks.map((chunk) => [chunk.chunk_index, chunk.chunk_count, chunk.members.length])).toEqual([[0, 3, 1000], [1, 3, 1000], [2, 3, 1]]);
    expect(chunks.map((chunk) => chunk.not_found)).toEqual([["x"], undefined, undefined]);
    expect(chunks.map((chunk) => chunk.presences?.map((presence) => presence.user.id))).toEqual([["5"], ["1500"], []]);
    expect(chunks.every((chunk) => chunk.nonce === "n")).toBe(true);
    expect(memberChunks("g", [], {})).toEqual([{ guild_id: "g", members: [], chunk_index: 0, chunk_count: 1 }]);
  });

  test("the budget counts IDENTIFYs per user over the window and refuses past the total", async () => {
    const budget = createIdentifyBudget(new MemoryKeyValueStore(), 2, 60_000);
    expect(await budget.status("u")).toEqual({ total: 2, remaining: 2, reset_after: 0, max_concurrency: 1 });
    expect([await budget.take("u"), await budget.take("u"), await budget.take("u")]).toEqual([true, true, false]);
    expect(await budget.take("other")).toBe(true);
    const status = await budget.status("u");
    expect(status.remaining).toBe(0);
    expect(status.reset_after).toBeGreaterThan(0);
    expect(status.reset_after).toBeLessThanOrEqual(60_000);
  });
});

describe("IDENTIFY through the frame handler, with a fake authenticator", () => {
  const recorded = () => {
    const sent: Array<{ op: number; t?: string; d: any }> = [];
    const closes: Array<[number, string]> = [];
    const socket = { sendText: (text: string) => sent.push(JSON.parse(text)), getBufferedAmount: () => 0, close: (code: number, reason: string) => void closes.push([code, reason]) };
    const deps = { rules: new Map(), router: { join: async () => {}, leave: async () => {} }, resume: { append: async () => {} }, onError: () => {} };
    return { session: new GatewaySession("s1", socket, deps as never, 0), sent, closes };
  };
  const handlerFor = (viewer: Viewer, budget: { take(userId: string): Promise<boolean> }, errors: unknown[] = []) =>
    createFrameHandler({
      now: () => 0,
      authenticate: async () => viewer,
      contributors: [async () => ({ user: { id: viewer.userId, bot: viewer.bot !== undefined }, guilds: [{ id: "7", member_count: 2 }], topics: [] })],
      bindAuthSession: () => {},
      presence: { connected: async () => {}, presencesOf: async () => [] } as never,
      members: { find: async () => null, forGuildCreate: async () => ({ self: { user: { id: viewer.userId }, joined_at: "j" }, members: [{ user: { id: viewer.userId }, joined_at: "j" }] }) },
      identifyBudget: budget as never,
      resume: { save: async () => {} } as never,
      resumeUrl: () => "ws://x/gateway",
      onError: (error) => void errors.push(error),
    } as Partial<HandlerDeps> as HandlerDeps);
  const frame = (d: Record<string, unknown>) => JSON.stringify({ op: 2, d: { token: "t", ...d } });

  test("a bot gets Discord's READY (application, unavailable guilds, shard) and then a complete GUILD_CREATE", async () => {
    const { session, sent } = recorded();
    await handlerFor(bot(ApplicationFlag.GATEWAY_GUILD_MEMBERS), { take: async () => true })(session, frame({ intents: Intent.GUILDS | Intent.GUILD_MEMBERS, shard: [0, 1] }));
    await session.enqueue(() => {});
    const [ready, guild] = sent.filter((f) => f.op === 0);
    expect(ready).toMatchObject({ t: "READY", d: { v: 10, application: { id: "300", flags: ApplicationFlag.GATEWAY_GUILD_MEMBERS }, guilds: [{ id: "7", unavailable: true }], shard: [0, 1], relationships: [] } });
    expect(guild).toMatchObject({ t: "GUILD_CREATE", d: { id: "7", joined_at: "j", large: false, members: [{ user: { id: "200" } }], threads: [], unavailable: false } });
  });

  test("a spent budget closes with 4008; an unreachable budget store lets the session start and reports the error", async () => {
    const spent = recorded();
    await handlerFor(user, { take: async () => false })(spent.session, frame({}));
    expect(spent.closes).toEqual([[4008, "Session start limit reached: see GET /gateway/bot"]]);
    const errors: unknown[] = [];
    const down = recorded();
    await handlerFor(user, { take: async () => Promise.reject(new Error("redis down")) }, errors)(down.session, frame({}));
    expect(down.sent.find((f) => f.t === "READY")?.d.v).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
