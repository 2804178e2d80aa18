import { describe, expect, test } from "bun:test";
import { admitToChannel, voiceStateEvent, voiceStatePayload } from "../../src/domains/voice/domain/voice-state";
import { DomainError } from "../../src/shared/kernel/domain-error";
import { Permission } from "../../src/shared/kernel/permissions";

const everyone = Permission.VIEW_CHANNEL | Permission.CONNECT | Permission.SPEAK;
const channel = { id: "2", guildId: "1", userLimit: 0 };
const admit = (overrides: Partial<Parameters<typeof admitToChannel>[0]> = {}) =>
  admitToChannel({ permissions: everyone, channel, participants: 0, alreadyIn: false, roomCapacity: 99, ...overrides });
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as DomainError).code;
  }
  return "admitted";
};

describe("admitToChannel", () => {
  test("needs VIEW_CHANNEL, then CONNECT", () => {
    expect(codeOf(() => admit({ permissions: Permission.CONNECT | Permission.SPEAK }))).toBe("MISSING_ACCESS");
    expect(codeOf(() => admit({ permissions: Permission.VIEW_CHANNEL | Permission.SPEAK }))).toBe("MISSING_PERMISSIONS");
    expect(admit()).toEqual({ suppress: false });
  });

  test("without SPEAK the user is admitted suppressed", () => {
    expect(admit({ permissions: Permission.VIEW_CHANNEL | Permission.CONNECT })).toEqual({ suppress: true });
  });

  test("a full channel refuses newcomers, except MOVE_MEMBERS and those already in it", () => {
    const full = { ...channel, userLimit: 2 };
    expect(codeOf(() => admit({ channel: full, participants: 2 }))).toBe("LIMIT_REACHED");
    expect(admit({ channel: full, participants: 1 })).toEqual({ suppress: false });
    expect(admit({ channel: full, participants: 2, permissions: everyone | Permission.MOVE_MEMBERS })).toEqual({ suppress: false });
    expect(admit({ channel: full, participants: 5, alreadyIn: true })).toEqual({ suppress: false });
  });

  test("the room capacity holds even for MOVE_MEMBERS", () => {
    expect(codeOf(() => admit({ participants: 99, permissions: everyone | Permission.MOVE_MEMBERS }))).toBe("LIMIT_REACHED");
  });
});

describe("voice events", () => {
  const state = { userId: "3", guildId: "1", channelId: "2", gatewaySessionId: "s", authSessionId: "a", selfMute: true, selfDeaf: false, mute: false, deaf: true, suppress: false, selfVideo: false };

  test("a leave names the channel left and goes to the guild topic", () => {
    const event = voiceStateEvent(state, null);
    expect(event.topics).toEqual(["guild:1"]);
    expect(event.data).toMatchObject({ channel_id: null, previous_channel_id: "2", user_id: "3" });
  });

  test("the payload has API.md's fields", () => {
    expect(voiceStatePayload(state)).toEqual({
      guild_id: "1",
      channel_id: "2",
      user_id: "3",
      session_id: "s",
      self_mute: true,
      self_deaf: false,
      mute: false,
      deaf: true,
      suppress: false,
      self_video: false,
    });
    expect(voiceStatePayload({ ...state, selfVideo: true }).self_video).toBe(true);
  });
});
