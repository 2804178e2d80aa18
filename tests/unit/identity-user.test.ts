import { describe, expect, test } from "bun:test";
import { checkFields } from "../../src/shared/kernel/field-checks";
import {
  type User,
  anonymized,
  checkPassword,
  normalizeAvatar,
  normalizeDisplayName,
  normalizeEmail,
  normalizeUsername,
} from "../../src/domains/identity/domain/user";
import { userCreated, userDeleted, userUpdated } from "../../src/domains/identity/domain/user-events";
import { thrownFieldErrors } from "../support/errors";

const reasons = thrownFieldErrors;

const user: User = {
  id: "9223372036854775807",
  username: "alice",
  displayName: "Alice",
  avatar: "https://cdn.example.test/a.png",
  bot: false,
  email: "Alice@Example.test",
  createdAt: new Date("2026-11-21T10:00:00.000Z"),
  deleted: false,
  mfaEnabled: false,
};

describe("usernames", () => {
  test("are lower-cased, so Alice and alice are the same name", () => {
    expect(normalizeUsername("Alice")).toBe("alice");
    expect(normalizeUsername("a.b_c.9")).toBe("a.b_c.9");
  });

  test("are 2 to 32 characters long", () => {
    expect(normalizeUsername("ab")).toBe("ab");
    expect(normalizeUsername("x".repeat(32))).toBe("x".repeat(32));
    expect(reasons(() => normalizeUsername("a"))).toHaveProperty("username");
    expect(reasons(() => normalizeUsername("x".repeat(33)))).toHaveProperty("username");
  });

  test("use only a-z, 0-9, underscore and period", () => {
    for (const bad of ["with space", "dash-ed", "émile", "at@sign", " alice", "ab\n"]) {
      expect(reasons(() => normalizeUsername(bad))).toHaveProperty("username");
    }
  });

  test("cannot take the placeholder form of deleted accounts", () => {
    expect(reasons(() => normalizeUsername("Deleted_User_42"))).toHaveProperty("username");
  });
});

describe("emails and passwords", () => {
  test("an email is trimmed, keeps its case and needs one @ and a dotted domain", () => {
    expect(normalizeEmail("  Bob@Example.org ")).toBe("Bob@Example.org");
    for (const bad of ["bob", "bob@", "@example.org", "bob@example", "b ob@example.org", `${"x".repeat(250)}@e.io`]) {
      expect(reasons(() => normalizeEmail(bad))).toHaveProperty("email");
    }
  });

  test("a password has 8 to 128 characters", () => {
    expect(checkPassword("x".repeat(8))).toBe("x".repeat(8));
    expect(checkPassword("x".repeat(128))).toBe("x".repeat(128));
    expect(reasons(() => checkPassword("x".repeat(7)))).toHaveProperty("password");
    expect(reasons(() => checkPassword("x".repeat(129)))).toHaveProperty("password");
    expect(reasons(() => checkPassword("short", "current_password"))).toHaveProperty("current_password");
  });
});

describe("profile fields", () => {
  test("a display name is 1 to 32 visible characters, trimmed; null clears it", () => {
    expect(normalizeDisplayName("  Bob  ")).toBe("Bob");
    expect(normalizeDisplayName(null)).toBeNull();
    expect(reasons(() => normalizeDisplayName("   "))).toHaveProperty("display_name");
    expect(reasons(() => normalizeDisplayName("x".repeat(33)))).toHaveProperty("display_name");
    expect(reasons(() => normalizeDisplayName("bad\u0000name"))).toHaveProperty("display_name");
  });

  test("an avatar is an http(s) URL; null clears it", () => {
    expect(normalizeAvatar("https://cdn.example.test/a.png")).toBe("https://cdn.example.test/a.png");
    expect(normalizeAvatar(null)).toBeNull();
    for (const bad of ["javascript:alert(1)", "not a url", `https://e.io/${"x".repeat(512)}`]) {
      expect(reasons(() => normalizeAvatar(bad))).toHaveProperty("avatar");
    }
  });

  test("checkFields reports every bad field at once", () => {
    expect(
      Object.keys(reasons(() => checkFields({ a: () => normalizeUsername("!"), b: () => normalizeEmail("x"), c: () => 1 }))).sort(),
    ).toEqual(["email", "username"]);
    expect(checkFields({ name: () => normalizeUsername("Bob") })).toEqual({ name: "bob" });
  });
});

describe("deleted accounts", () => {
  test("keep the id but lose everything personal, under a unique placeholder that fits the username rules", () => {
    const gone = anonymized(user);
    expect(gone).toEqual({ ...user, username: `deleted_user_${user.id}`, displayName: "Deleted User", avatar: null, email: null, deleted: true });
    expect(gone.username.length).toBeLessThanOrEqual(32);
    expect(gone.username).toMatch(/^[a-z0-9_.]+$/);
  });
});

describe("user events", () => {
  test("go to the user's own topic, with the email only in USER_UPDATED", () => {
    const created = userCreated(user);
    expect(created).toEqual({
      type: "USER_CREATED",
      topics: [`user:${user.id}`],
      data: {
        user: { id: user.id, username: "alice", display_name: "Alice", discriminator: "0", global_name: "Alice", avatar: user.avatar, bot: false, created_at: "2026-11-21T10:00:00.000Z" },
      },
    });
    expect(JSON.stringify(created)).not.toContain("@");
    expect(userUpdated(user).data.user.email).toBe(user.email);
    // Changes also reach every node's profile cache, a topic no gateway session subscribes to.
    expect(userUpdated(user).topics).toEqual([`user:${user.id}`, "system:profiles"]);
    expect(userDeleted(anonymized(user)).topics).toEqual([`user:${user.id}`, "system:profiles"]);
    expect(JSON.stringify(userDeleted(anonymized(user)))).not.toContain("Alice@");
  });
});
