import { describe, expect, test } from "bun:test";
import {
  type ThreadChannel,
  ThreadType,
  checkAutoArchiveDuration,
  checkThreadType,
  idleSince,
  normalizeThreadName,
  refusedThreadChange,
  threadPermissions,
} from "../../src/domains/channel/domain/thread";
import { DEFAULT_EVERYONE_PERMISSIONS, Permission, hasPermission } from "../../src/shared/kernel/permissions";

const { VIEW_CHANNEL, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, MANAGE_THREADS } = Permission;

const thread = (overrides: { type?: 11 | 12; locked?: boolean; archived?: boolean; ownerId?: string; appliedTags?: string[] } = {}): ThreadChannel => ({
  id: "10",
  type: overrides.type ?? ThreadType.PUBLIC_THREAD,
  guildId: "1",
  parentId: "2",
  ownerId: overrides.ownerId ?? "owner",
  name: "Thread",
  rateLimitPerUser: 0,
  lastMessageId: null,
  messageCount: 0,
  memberCount: 1,
  appliedTags: overrides.appliedTags ?? null,
  flags: 0,
  metadata: {
    archived: overrides.archived ?? false,
    autoArchiveDuration: 60,
    archiveTimestamp: new Date(0).toISOString(),
    locked: overrides.locked ?? false,
    invitable: true,
    createTimestamp: new Date(0).toISOString(),
  },
});

const sends = (permissions: bigint) => hasPermission(permissions, SEND_MESSAGES);
const sees = (permissions: bigint) => hasPermission(permissions, VIEW_CHANNEL);

describe("what the parent's permissions give in a thread", () => {
  test("sending is SEND_MESSAGES_IN_THREADS, whatever SEND_MESSAGES says", () => {
    expect(sends(threadPermissions(thread(), { parentPermissions: VIEW_CHANNEL | SEND_MESSAGES_IN_THREADS, member: false }))).toBe(true);
    expect(sends(threadPermissions(thread(), { parentPermissions: VIEW_CHANNEL | SEND_MESSAGES, member: true }))).toBe(false);
  });

  test("no VIEW_CHANNEL in the parent, no thread", () => {
    expect(threadPermissions(thread(), { parentPermissions: SEND_MESSAGES_IN_THREADS, member: true })).toBe(0n);
  });

  test("a private thread is seen by its members and MANAGE_THREADS holders only", () => {
    const secret = thread({ type: ThreadType.PRIVATE_THREAD });
    expect(threadPermissions(secret, { parentPermissions: DEFAULT_EVERYONE_PERMISSIONS, member: false })).toBe(0n);
    expect(sees(threadPermissions(secret, { parentPermissions: DEFAULT_EVERYONE_PERMISSIONS, member: true }))).toBe(true);
    expect(sees(threadPermissions(secret, { parentPermissions: VIEW_CHANNEL | MANAGE_THREADS, member: false }))).toBe(true);
  });

  test("a locked thread takes sending from all but MANAGE_THREADS holders; an archived one does not", () => {
    const locked = thread({ locked: true });
    expect(sends(threadPermissions(locked, { parentPermissions: DEFAULT_EVERYONE_PERMISSIONS, member: true }))).toBe(false);
    expect(sends(threadPermissions(locked, { parentPermissions: DEFAULT_EVERYONE_PERMISSIONS | MANAGE_THREADS, member: true }))).toBe(true);
    expect(sends(threadPermissions(thread({ archived: true }), { parentPermissions: DEFAULT_EVERYONE_PERMISSIONS, member: false }))).toBe(true);
  });
});

describe("who may change what of a thread", () => {
  const member = { userId: "member", permissions: VIEW_CHANNEL | SEND_MESSAGES };
  const owner = { userId: "owner", permissions: VIEW_CHANNEL | SEND_MESSAGES };
  const moderator = { userId: "mod", permissions: VIEW_CHANNEL | MANAGE_THREADS };

  test("its creator renames, archives and sets the duration; others may not", () => {
    expect(refusedThreadChange(thread(), { name: "New", archived: true, autoArchiveDuration: 1440 }, owner)).toBeNull();
    expect(refusedThreadChange(thread(), { name: "New" }, member)).toBe("MANAGE_THREADS");
    expect(refusedThreadChange(thread(), { archived: true }, member)).toBe("MANAGE_THREADS");
  });

  test("lock, invitable and slow mode are MANAGE_THREADS's, who may change anything", () => {
    expect(refusedThreadChange(thread(), { locked: true }, owner)).toBe("MANAGE_THREADS");
    expect(refusedThreadChange(thread(), { rateLimitPerUser: 5 }, owner)).toBe("MANAGE_THREADS");
    expect(refusedThreadChange(thread({ locked: true, archived: true }), { locked: false, archived: false, name: "x" }, moderator)).toBeNull();
  });

  test("anyone who may send unarchives an unlocked thread; a locked one stays for moderators", () => {
    expect(refusedThreadChange(thread({ archived: true }), { archived: false }, member)).toBeNull();
    expect(refusedThreadChange(thread({ archived: true }), { archived: false }, { userId: "mute", permissions: VIEW_CHANNEL })).toBe("SEND_MESSAGES_IN_THREADS");
    expect(refusedThreadChange(thread({ archived: true, locked: true }), { archived: false }, owner)).toBe("MANAGE_THREADS");
  });

  test("values that do not change are no change", () => {
    expect(refusedThreadChange(thread(), { name: "Thread", locked: false, rateLimitPerUser: 0 }, member)).toBeNull();
  });
});

describe("thread fields and idleness", () => {
  test("names are trimmed, 1–100 characters; durations are Discord's four; types 11 or 12, private by default", () => {
    expect(normalizeThreadName("  Plans  ")).toBe("Plans");
    expect(() => normalizeThreadName(" ")).toThrow();
    expect(() => normalizeThreadName("x".repeat(101))).toThrow();
    expect(checkAutoArchiveDuration(10080)).toBe(10080);
    expect(() => checkAutoArchiveDuration(30)).toThrow();
    expect(checkThreadType(undefined)).toBe(ThreadType.PRIVATE_THREAD);
    expect(() => checkThreadType(0)).toThrow();
  });

  test("a thread is idle once its whole duration passed since its last activity, and never once archived", () => {
    const hour = 60 * 60_000;
    expect(idleSince(thread(), 0, hour - 1)).toBe(false);
    expect(idleSince(thread(), 0, hour)).toBe(true);
    expect(idleSince(thread({ archived: true }), 0, 10 * hour)).toBe(false);
  });
});
