import { describe, expect, test } from "bun:test";
import { voiceStateFixture } from "../support/voice-state-fixture";
import { VoicePeer } from "../../src/domains/voice/domain/voice-peer";
import type { VoiceState } from "../../src/domains/voice/domain/voice-state";
import type { DomainError } from "../../src/shared/kernel/domain-error";

const peerWith = (overrides: Partial<VoiceState> = {}) => new VoicePeer(voiceStateFixture("10", overrides));

/** The DomainError code (and message) a rule throws, or "ok". */
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return `${(error as DomainError).code}: ${(error as DomainError).message}`;
  }
  return "ok";
};

const withConsumers = (peer: VoicePeer, resumed: readonly string[], paused: readonly string[]) => {
  for (const id of resumed) peer.consumers.set(id, { producerUserId: `user-${id}`, kind: "audio", resumedByClient: true });
  for (const id of paused) peer.consumers.set(id, { producerUserId: `user-${id}`, kind: "audio", resumedByClient: false });
};

describe("VoicePeer: transports", () => {
  test("one transport per direction", () => {
    const peer = peerWith();
    expect(refusal(() => peer.checkNewTransport("send"))).toBe("ok");
    peer.attachTransport("send", "t1");
    expect(refusal(() => peer.checkNewTransport("send"))).toBe("VALIDATION: A send transport exists already");
    expect(refusal(() => peer.checkNewTransport("recv"))).toBe("ok");
  });

  test("a transport made after the peer left is refused (the caller closes it)", () => {
    const peer = peerWith();
    peer.left = true;
    expect(refusal(() => peer.attachTransport("recv", "t1"))).toBe("VALIDATION: Left the room");
    expect(peer.recvTransportId).toBeUndefined();
  });

  test("only one's own transports connect", () => {
    const peer = peerWith();
    peer.attachTransport("recv", "mine");
    expect(refusal(() => peer.checkOwnTransport("mine"))).toBe("ok");
    expect(refusal(() => peer.checkOwnTransport("theirs"))).toBe("VALIDATION: Not your transport");
  });

  test("consuming needs a receive transport", () => {
    const peer = peerWith();
    expect(refusal(() => peer.checkConsume())).toBe("VALIDATION: Create a recv transport first");
    peer.attachTransport("recv", "t1");
    expect(refusal(() => peer.checkConsume())).toBe("ok");
  });
});

describe("VoicePeer: producing", () => {
  test("needs one's own send transport, SPEAK, and no producer yet, checked in that order", () => {
    const peer = peerWith({ suppress: true });
    peer.attachTransport("send", "send");
    peer.attachTransport("recv", "recv");
    expect(refusal(() => peer.checkProduce("recv"))).toBe("VALIDATION: Not your send transport");
    expect(refusal(() => peer.checkProduce("send"))).toBe("MISSING_PERMISSIONS: Missing Permissions: SPEAK");
    peer.state = { ...peer.state, suppress: false };
    expect(refusal(() => peer.checkProduce("send"))).toBe("ok");
    peer.startProducing("p1");
    expect(refusal(() => peer.checkProduce("send"))).toBe("VALIDATION: Already producing");
  });

  test("a muted peer's producer starts paused, by self mute or server mute", () => {
    expect(peerWith().startProducing("p1")).toBe(false);
    expect(peerWith({ selfMute: true }).startProducing("p1")).toBe(true);
    expect(peerWith({ mute: true }).startProducing("p1")).toBe(true);
  });
});

describe("VoicePeer: moderation", () => {
  test("muting a producing peer pauses its producer; unmuting resumes it", () => {
    const peer = peerWith();
    peer.startProducing("p1");
    expect(peer.applyState({ ...peer.state, mute: true })).toEqual({ producer: { producerId: "p1", paused: true }, deafenChanged: false });
    expect(peer.applyState({ ...peer.state, selfMute: true })).toEqual({ deafenChanged: false }); // still muted: nothing to do
    expect(peer.applyState({ ...peer.state, mute: false })).toEqual({ deafenChanged: false }); // self mute holds it
    expect(peer.applyState({ ...peer.state, selfMute: false })).toEqual({ producer: { producerId: "p1", paused: false }, deafenChanged: false });
  });

  test("muting a peer that does not produce asks nothing of the SFU", () => {
    const peer = peerWith();
    expect(peer.applyState({ ...peer.state, mute: true })).toEqual({ deafenChanged: false });
    expect(peer.producerPaused).toBe(true);
  });

  test("deafening pauses the consumers the client resumed; undeafening resumes them, not the others", () => {
    const peer = peerWith();
    withConsumers(peer, ["c1", "c3"], ["c2"]);
    expect(peer.applyState({ ...peer.state, deaf: true })).toEqual({ deafenChanged: true });
    expect(peer.consumerPauses()).toEqual([
      { consumerId: "c1", paused: true },
      { consumerId: "c3", paused: true },
    ]);
    expect(peer.applyState({ ...peer.state, selfDeaf: true })).toEqual({ deafenChanged: false });
    expect(peer.applyState({ ...peer.state, deaf: false, selfDeaf: false })).toEqual({ deafenChanged: true });
    expect(peer.consumerPauses()).toEqual([
      { consumerId: "c1", paused: false },
      { consumerId: "c3", paused: false },
    ]);
  });

  test("resuming while deafened is refused but remembered, so undeafening starts the consumer", () => {
    const peer = peerWith({ selfDeaf: true });
    withConsumers(peer, [], ["c1"]);
    expect(refusal(() => peer.requestResume("c1"))).toBe("MISSING_PERMISSIONS: You are deafened");
    expect(peer.applyState({ ...peer.state, selfDeaf: false })).toEqual({ deafenChanged: true });
    expect(peer.consumerPauses()).toEqual([{ consumerId: "c1", paused: false }]);
  });

  test("resuming an unknown consumer is NOT_FOUND", () => {
    const peer = peerWith();
    expect(refusal(() => peer.requestResume("nope"))).toBe("NOT_FOUND: Unknown consumer");
    withConsumers(peer, [], ["c1"]);
    expect(refusal(() => peer.requestResume("c1"))).toBe("ok");
    expect(peer.consumers.get("c1")?.resumedByClient).toBe(true);
  });
});
