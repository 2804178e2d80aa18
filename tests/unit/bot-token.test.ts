import { describe, expect, test } from "bun:test";
import { hashBotToken, newBotToken, parseBotToken, sameHash } from "../../src/domains/identity/application/bot-token";
import { createBotCredentialCache } from "../../src/domains/identity/application/bot-credential-cache";
import { ApplicationFlag } from "../../src/shared/kernel/users";
import { SETTABLE_APPLICATION_FLAGS, botUsernameFor, checkApplicationFlags, normalizeApplicationName } from "../../src/domains/identity/domain/application";
import type { Clock } from "../../src/shared/kernel/clock";

const BOT_ID = "1234567890123456710";
const TOKEN_ID = "1234567890123456711";

describe("bot tokens", () => {
  test("are shaped like Discord's: the first segment is the bot's id in base64, as libraries decode it", () => {
    const { token } = newBotToken(BOT_ID, TOKEN_ID);
    const [first, second, secret] = token.split(".");
    // discord.js and discord.py decode it with plain base64.
    expect(Buffer.from(first!, "base64").toString()).toBe(BOT_ID);
    expect(Buffer.from(second!, "base64url").toString()).toBe(TOKEN_ID);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseBotToken(token)).toEqual({ userId: BOT_ID, tokenId: TOKEN_ID });
  });

  test("carry 256 fresh random bits each time, and only their SHA-256 is kept", () => {
    const a = newBotToken(BOT_ID, TOKEN_ID);
    const b = newBotToken(BOT_ID, TOKEN_ID);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashBotToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token.split(".")[2]!);
  });

  test("anything else is not a bot token: a JWT, garbage, a changed or non-canonical id, a short secret", () => {
    const { token } = newBotToken(BOT_ID, TOKEN_ID);
    const [first, second, secret] = token.split(".");
    expect(parseBotToken("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")).toBeNull();
    expect(parseBotToken("garbage")).toBeNull();
    expect(parseBotToken(`${Buffer.from("0123").toString("base64url")}.${second}.${secret}`)).toBeNull();
    expect(parseBotToken(`${Buffer.from("12ab").toString("base64url")}.${second}.${secret}`)).toBeNull();
    expect(parseBotToken(`${first}.${second}.${secret!.slice(1)}`)).toBeNull();
    expect(parseBotToken(`${first}.${second}.${secret}.x`)).toBeNull();
  });

  test("hashes compare equal only when equal, and never for empty ones", () => {
    const hash = hashBotToken("a");
    expect(sameHash(hash, hashBotToken("a"))).toBe(true);
    expect(sameHash(hash, hashBotToken("b"))).toBe(false);
    expect(sameHash(hash, hash.slice(2))).toBe(false);
    expect(sameHash("", "")).toBe(false);
  });
});

describe("applications", () => {
  test("only the privileged intent flags can be set", () => {
    expect(SETTABLE_APPLICATION_FLAGS).toBe((1 << 12) | (1 << 13) | (1 << 14) | (1 << 15) | (1 << 18) | (1 << 19));
    expect(checkApplicationFlags(ApplicationFlag.GATEWAY_GUILD_MEMBERS | ApplicationFlag.GATEWAY_MESSAGE_CONTENT)).toBe((1 << 14) | (1 << 18));
    expect(() => checkApplicationFlags(1 << 23)).toThrow();
    expect(() => checkApplicationFlags(-1)).toThrow();
  });

  test("names are 2–32 visible characters", () => {
    expect(normalizeApplicationName("  Weather Bot ")).toBe("Weather Bot");
    expect(() => normalizeApplicationName("x")).toThrow();
    expect(() => normalizeApplicationName("a".repeat(33))).toThrow();
    expect(() => normalizeApplicationName("bad\u0000name")).toThrow();
  });

  test("a bot's username comes from the application's name, in the username alphabet, suffix included within 32", () => {
    expect(botUsernameFor("Weather Bot")).toBe("weather_bot");
    expect(botUsernameFor("Ünïcode ★")).toBe("ncode_");
    expect(botUsernameFor("★★")).toBe("bot");
    expect(botUsernameFor("x")).toBe("x_bot");
    expect(botUsernameFor("a".repeat(32), "_1234")).toBe(`${"a".repeat(27)}_1234`);
  });
});

describe("the bot credential cache", () => {
  let now = 0;
  const clock: Clock = { now: () => now };
  const credential = { tokenId: TOKEN_ID, userId: BOT_ID, applicationId: "1", tokenHash: "ab", flags: 0 };

  test("keeps a loaded credential until its ttl, its token's revocation or its application's change", async () => {
    const cache = createBotCredentialCache({ clock, ttlMs: 1000 });
    let loads = 0;
    const load = async () => (loads++, credential);
    await cache.load(TOKEN_ID, load);
    await cache.load(TOKEN_ID, load);
    expect(loads).toBe(1);
    cache.forget(TOKEN_ID);
    expect(cache.get(TOKEN_ID)).toBeUndefined();
    await cache.load(TOKEN_ID, load);
    cache.forgetApplication("1");
    expect(cache.get(TOKEN_ID)).toBeUndefined();
    await cache.load(TOKEN_ID, load);
    now += 1001;
    expect(cache.get(TOKEN_ID)).toBeUndefined();
  });

  test("a load that a revocation overtook keeps nothing, and a missing token is not cached", async () => {
    const cache = createBotCredentialCache({ clock });
    let release!: () => void;
    const loading = cache.load(TOKEN_ID, () => new Promise((resolve) => (release = () => resolve(credential))));
    cache.forget(TOKEN_ID);
    release();
    expect(await loading).toEqual(credential);
    expect(cache.get(TOKEN_ID)).toBeUndefined();
    expect(await cache.load("9", async () => null)).toBeNull();
    expect(cache.get("9")).toBeUndefined();
  });
});
