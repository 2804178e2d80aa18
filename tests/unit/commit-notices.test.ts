import { describe, expect, test } from "bun:test";
import { COMMIT_NOTICES_TOPIC, createCommitNotices, noticeOf } from "../../src/shared/infrastructure/commit-notices";
import { createLogger } from "../../src/shared/infrastructure/logger";
import { MemoryPubSub } from "../../src/shared/infrastructure/memory/memory-pub-sub";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import type { CommitNotice, PubSub } from "../../src/shared/kernel/ports";

const event = (type: string, data: unknown): DomainEvent => ({ id: "1", type, topics: [], data, occurredAt: new Date(0).toISOString() });
const silent = () => createLogger({ level: "silent", pretty: false, nodeId: 0 });

describe("commit notices", () => {
  test("a notice carries the ids an event is about, not its data", () => {
    expect(noticeOf(event("MESSAGE_SENT", { id: "9", channel_id: "10", guild_id: "1", content: "secret", author: { id: "5" } }))).toEqual({
      type: "MESSAGE_SENT",
      channelId: "10",
      guildId: "1",
      userId: null,
      messageId: "9",
    });
    expect(noticeOf(event("CHANNEL_UPDATED", { id: "10", guild_id: "1" })).channelId).toBe("10");
    expect(noticeOf(event("MEMBER_UPDATED", { user: { id: "5" }, guild_id: "1" })).userId).toBe("5");
    expect(noticeOf(event("MESSAGE_REACTION_ADDED", { user_id: "5", channel_id: "10", message_id: "9" })).userId).toBe("5");
  });

  test("the writer's node hears a commit before announce returns; other nodes through pub/sub; unwatched types are not sent", async () => {
    const bus = new MemoryPubSub();
    const published: string[] = [];
    const spy: PubSub = { ...bus, publish: async (topic, message) => (published.push(message), bus.publish(topic, message)), subscribe: bus.subscribe.bind(bus), unsubscribe: bus.unsubscribe.bind(bus), healthy: bus.healthy.bind(bus), close: bus.close.bind(bus) };
    const [writer, other] = [createCommitNotices({ pubSub: spy, logger: silent() }), createCommitNotices({ pubSub: bus, logger: silent() })];
    await Promise.all([writer.start(), other.start()]);
    const heardHere: CommitNotice[] = [];
    const heardThere: CommitNotice[] = [];
    writer.watch(new Set(["MESSAGE_SENT"]), (notices) => heardHere.push(...notices), () => {});
    other.watch(new Set(["MESSAGE_SENT"]), (notices) => heardThere.push(...notices), () => {});
    await writer.announce([event("MESSAGE_READ", { channel_id: "10" })]);
    expect(published).toEqual([]);
    const announcing = writer.announce([event("MESSAGE_SENT", { id: "9", channel_id: "10" }), event("MESSAGE_READ", { channel_id: "10" })]);
    expect(heardHere.map((notice) => notice.type)).toEqual(["MESSAGE_SENT"]);
    await announcing;
    expect(published.length).toBe(1);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(heardThere.map((notice) => notice.channelId)).toEqual(["10"]);
    await Promise.all([writer.close(), other.close()]);
  });

  test("a failed publish is logged, never thrown; a dropped subscription tells every watcher and stops `hearing`", async () => {
    let listener: (connected: boolean) => void = () => {};
    const lines: string[] = [];
    const failing: PubSub = {
      publish: async () => {
        throw new Error("bus down");
      },
      subscribe: async () => async () => {},
      unsubscribe: async () => {},
      healthy: async () => true,
      onConnectionChange: (next) => ((listener = next), () => {}),
      close: async () => {},
    };
    const logger = createLogger({ level: "error", pretty: false, nodeId: 0, destination: { write: (line: string) => void lines.push(line) } as never });
    const notices = createCommitNotices({ pubSub: failing, logger });
    await notices.start();
    let lost = 0;
    notices.watch(new Set(["MESSAGE_SENT"]), () => {}, () => lost++);
    expect(notices.hearing()).toBe(true);
    await notices.announce([event("MESSAGE_SENT", { channel_id: "10" })]);
    expect(lines.some((line) => line.includes("announcing a commit"))).toBe(true);
    listener(false);
    expect([lost, notices.hearing()]).toEqual([1, false]);
    listener(true);
    expect(notices.hearing()).toBe(true);
    expect(COMMIT_NOTICES_TOPIC).toBe("system:commits");
  });
});
