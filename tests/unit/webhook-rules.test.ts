import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/shared/kernel/domain-error";
import { type Webhook, WEBHOOK_PERMISSIONS, checkWebhookAvatar, checkWebhookName, webhookAuthor, webhookChannel } from "../../src/domains/message/domain/webhook";
import { Permission, hasPermission } from "../../src/shared/kernel/permissions";
import { Sha256WebhookTokens } from "../../src/shared/infrastructure/sha256-webhook-tokens";

const refused = (check: () => unknown): Record<string, string> | undefined => {
  try {
    check();
  } catch (error) {
    if (error instanceof DomainError && error.code === "VALIDATION") return error.fields;
    throw error;
  }
  return undefined;
};

const hook: Webhook = { id: "10", guildId: "1", channelId: "2", creatorId: "3", name: "CI", avatar: null, tokenHash: "00" };

describe("webhook names (Discord's rules)", () => {
  test("1–80 characters, counted in code points; blank is refused", () => {
    expect(checkWebhookName("a")).toBe("a");
    expect(checkWebhookName("🚀".repeat(80))).toBe("🚀".repeat(80));
    expect(refused(() => checkWebhookName("x".repeat(81)))).toEqual({ name: "Must be between 1 and 80 in length." });
    expect(refused(() => checkWebhookName(""))).toBeDefined();
    expect(refused(() => checkWebhookName("   "))).toBeDefined();
  });

  test('"clyde" and "discord" are refused anywhere in the name, in any case', () => {
    for (const name of ["clyde", "My CLYDE bot", "Discord", "notdiscordreally"]) expect(refused(() => checkWebhookName(name))).toBeDefined();
    expect(checkWebhookName("Clive")).toBe("Clive");
  });

  test("avatars are http(s) URLs of at most 2048 characters, or null", () => {
    expect(checkWebhookAvatar(null)).toBeNull();
    expect(checkWebhookAvatar("https://example.com/a.png")).toBe("https://example.com/a.png");
    expect(refused(() => checkWebhookAvatar("data:image/png;base64,AAAA"))).toBeDefined();
    expect(refused(() => checkWebhookAvatar(`https://example.com/${"a".repeat(2048)}`))).toBeDefined();
  });
});

describe("a webhook's message author", () => {
  test("the webhook's own name and avatar, or this execute's overrides, checked by the same rules", () => {
    expect(webhookAuthor(hook, {})).toEqual({ id: "10", username: "CI", avatar: null });
    expect(webhookAuthor(hook, { username: "Deploy", avatarUrl: "https://example.com/d.png" })).toEqual({ id: "10", username: "Deploy", avatar: "https://example.com/d.png" });
    expect(refused(() => webhookAuthor(hook, { username: "clyde" }))).toHaveProperty("username");
    expect(refused(() => webhookAuthor(hook, { avatarUrl: "javascript:alert(1)" }))).toHaveProperty("avatar_url");
  });

  test("it posts in its guild text channel with its own rights, not its creator's", () => {
    expect(webhookChannel(hook)).toEqual({ id: "2", guildId: "1", text: true, recipientIds: [], permissions: WEBHOOK_PERMISSIONS, rateLimitPerUser: 0 });
    for (const bit of [Permission.VIEW_CHANNEL, Permission.SEND_MESSAGES, Permission.ATTACH_FILES, Permission.MENTION_EVERYONE]) expect(hasPermission(WEBHOOK_PERMISSIONS, bit)).toBe(true);
    expect(hasPermission(WEBHOOK_PERMISSIONS, Permission.MANAGE_MESSAGES)).toBe(false);
  });
});

describe("webhook tokens", () => {
  const tokens = new Sha256WebhookTokens();

  test("68 URL-safe characters (Discord's length), different every time; only the hash is kept and it is no token", () => {
    const first = tokens.issue();
    const second = tokens.issue();
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{68}$/);
    expect(first.token).not.toBe(second.token);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).not.toContain(first.token);
  });

  test("a token matches its own hash only", () => {
    const { token, hash } = tokens.issue();
    expect(tokens.matches(token, hash)).toBe(true);
    expect(tokens.matches(`${token}x`, hash)).toBe(false);
    expect(tokens.matches(tokens.issue().token, hash)).toBe(false);
    expect(tokens.matches(token, "")).toBe(false);
  });
});
