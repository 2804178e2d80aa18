import { describe, expect, test } from "bun:test";
import { voiceStateFixture } from "../support/voice-state-fixture";
import { Closing, VoiceClose } from "../../src/domains/voice/domain/voice-close";
import { VoicePeer } from "../../src/domains/voice/domain/voice-peer";
import { VoiceRoom } from "../../src/domains/voice/domain/voice-room";
import { type VoiceState, type VoiceStatePayload, voiceStatePayload } from "../../src/domains/voice/domain/voice-state";

const CAPS = { codecs: [] };

const stateOf = voiceStateFixture;

/** A room with the given users seated, each with both transports. */
const roomWith = (...userIds: string[]) => {
  const room = new VoiceRoom<VoicePeer>("2", "1");
  const peers = userIds.map((userId) => {
    const peer = new VoicePeer(stateOf(userId));
    peer.attachTransport("send", `send-${userId}`);
    peer.attachTransport("recv", `recv-${userId}`);
    room.seat(peer);
    return peer;
  });
  return { room, peers };
};

const produce = (room: VoiceRoom<VoicePeer>, peer: VoicePeer) => {
  peer.startProducing(`producer-${peer.userId}`);
  return room.producerAdded(peer);
};

const update = (peer: VoicePeer, overrides: Partial<VoiceStatePayload> = {}): VoiceStatePayload => ({ ...voiceStatePayload(peer.state), ...overrides });

describe("VoiceRoom: who is in the room", () => {
  test("peers are seated in joining order; leaving closes their transports", () => {
    const { room, peers } = roomWith("10", "11", "12");
    expect(room.userIds()).toEqual(["10", "11", "12"]);
    expect(room.leave(peers[1]!)).toEqual({ transportIds: ["send-11", "recv-11"], empty: false });
    expect([...room.peers()]).toEqual([peers[0]!, peers[2]!]);
    expect(peers[1]!.left).toBe(true);
  });

  test("a peer leaves once", () => {
    const { room, peers } = roomWith("10", "11");
    expect(room.leave(peers[0]!)).toBeDefined();
    expect(room.leave(peers[0]!)).toBeUndefined();
    expect(room.size).toBe(1);
  });

  test("the last peer leaving empties the room, which then closes once", () => {
    const { room, peers } = roomWith("10");
    expect(room.leave(peers[0]!)).toEqual({ transportIds: ["send-10", "recv-10"], empty: true });
    expect(room.close()).toBe(true);
    expect(room.closed).toBe(true);
    expect(room.close()).toBe(false);
  });

  test("a peer without transports leaves none to close", () => {
    const room = new VoiceRoom<VoicePeer>("2", "1");
    const peer = new VoicePeer(stateOf("10"));
    room.seat(peer);
    expect(room.leave(peer)).toEqual({ transportIds: [], empty: true });
  });
});

describe("VoiceRoom: one seat per user (reconnect)", () => {
  test("a user's new connection takes the seat: the room counts users, not sockets", () => {
    const { room, peers } = roomWith("10", "11");
    const old = room.seatOf("10");
    expect(old).toBe(peers[0]!);
    expect(room.seatOf("12")).toBeUndefined();
    room.leave(old!);
    room.seat(new VoicePeer(stateOf("10")));
    expect(room.size).toBe(2);
    expect(room.userIds()).toEqual(["11", "10"]);
  });

  test("the replaced connection leaving late does not unseat the new one", () => {
    const { room, peers } = roomWith("10", "11");
    const fresh = new VoicePeer(stateOf("10"));
    room.seat(fresh);
    expect(room.leave(peers[0]!)?.empty).toBe(false);
    expect(room.seatOf("10")).toBe(fresh);
  });

  test("the replaced connection closes with 4006, a lost room with 4015 (docs/voice.md)", () => {
    expect(Closing.replaced).toEqual({ code: 4006, reason: "Connected again elsewhere" });
    expect(Closing.reconnect).toEqual({ code: VoiceClose.Reconnect, reason: "Reconnect" });
    expect(Closing.channelDeleted).toEqual({ code: VoiceClose.SessionEnded, reason: "Channel deleted" });
    expect(Closing.guildDeleted).toEqual({ code: VoiceClose.SessionEnded, reason: "Guild deleted" });
    expect(VoiceClose).toEqual({
      DecodeError: 4002,
      NotAuthenticated: 4003,
      AuthenticationFailed: 4004,
      AlreadyAuthenticated: 4005,
      SessionEnded: 4006,
      RateLimited: 4008,
      Reconnect: 4015,
    });
  });
});

describe("VoiceRoom: who consumes whom", () => {
  test("a new producer reaches every other seated peer", () => {
    const { room, peers } = roomWith("10", "11", "12");
    expect(produce(room, peers[1]!)).toEqual([peers[0]!, peers[2]!]);
    expect([...room.producing()]).toEqual([["producer-11", peers[1]!]]);
  });

  test("a listener consumes a producer on its receive transport with its capabilities", () => {
    const { room, peers } = roomWith("10", "11");
    const [listener, speaker] = [peers[0]!, peers[1]!];
    produce(room, speaker);
    expect(room.consumption(listener, speaker)).toBeUndefined(); // no capabilities yet (no consume request)
    listener.rtpCapabilities = CAPS;
    expect(room.consumption(listener, speaker)).toEqual({ transportId: "recv-10", producerId: "producer-11", rtpCapabilities: CAPS });
  });

  test("no consumption of a peer that does not produce, by one without a receive transport, or by one who left", () => {
    const { room, peers } = roomWith("10", "11");
    const [listener, speaker] = [peers[0]!, peers[1]!];
    listener.rtpCapabilities = CAPS;
    expect(room.consumption(listener, speaker)).toBeUndefined();
    produce(room, speaker);
    const bare = new VoicePeer(stateOf("12"));
    bare.rtpCapabilities = CAPS;
    room.seat(bare);
    expect(room.consumption(bare, speaker)).toBeUndefined();
    room.leave(listener);
    expect(room.consumption(listener, speaker)).toBeUndefined();
  });

  test("one consumer per producing user", () => {
    const { room, peers } = roomWith("10", "11");
    const [listener, speaker] = [peers[0]!, peers[1]!];
    listener.rtpCapabilities = CAPS;
    produce(room, speaker);
    expect(room.consumerAdded(listener, "consumer-1", "11")).toBe(true);
    expect(listener.consumes("11")).toBe(true);
    expect(listener.consumers.get("consumer-1")).toEqual({ producerUserId: "11", kind: "audio", resumedByClient: false });
    expect(room.consumption(listener, speaker)).toBeUndefined();
  });

  test("a consumer made after its listener left is not kept", () => {
    const { room, peers } = roomWith("10", "11");
    room.leave(peers[0]!);
    expect(room.consumerAdded(peers[0]!, "consumer-1", "11")).toBe(false);
    expect(peers[0]!.consumers.size).toBe(0);
  });

  test("a consumer the SFU closed is forgotten and its listener told, unless the listener left", () => {
    const { room, peers } = roomWith("10", "11", "12");
    room.consumerAdded(peers[0]!, "consumer-1", "11");
    room.consumerAdded(peers[2]!, "consumer-2", "11");
    expect(room.consumerClosed("consumer-1")).toEqual({ peer: peers[0]!, producerUserId: "11" });
    expect(peers[0]!.consumers.size).toBe(0);
    expect(room.consumerClosed("consumer-1")).toBeUndefined();
    room.leave(peers[2]!);
    expect(room.consumerClosed("consumer-2")).toBeUndefined();
    expect(room.consumerClosed("unknown")).toBeUndefined();
  });

  test("speaking marks the producer's peer; a producer that left is no longer the room's", () => {
    const { room, peers } = roomWith("10", "11");
    produce(room, peers[1]!);
    expect(room.speaking("producer-11", true)).toBe(peers[1]!);
    expect(peers[1]!.speaking).toBe(true);
    expect(room.speaking("unknown", true)).toBeUndefined();
    room.leave(peers[1]!);
    expect(room.speaking("producer-11", false)).toBeUndefined();
    expect([...room.producing()]).toEqual([]);
  });
});

describe("VoiceRoom: voice state changes", () => {
  test("leaving the channel ends the seat with 4006 'Left the voice channel'", () => {
    const { room, peers } = roomWith("10");
    expect(room.voiceStateChanged(update(peers[0]!, { channel_id: null }))).toEqual({ peer: peers[0]!, closing: Closing.leftChannel });
    expect(Closing.leftChannel).toEqual({ code: 4006, reason: "Left the voice channel" });
  });

  test("another channel or another gateway session moves the seat away (4006 'Voice state moved')", () => {
    const { room, peers } = roomWith("10");
    const moved = { peer: peers[0]!, closing: { code: 4006, reason: "Voice state moved" } };
    expect(room.voiceStateChanged(update(peers[0]!, { channel_id: "3" }))).toEqual(moved);
    expect(room.voiceStateChanged(update(peers[0]!, { session_id: "another" }))).toEqual(moved);
  });

  test("in the same channel and session, mute, deafen and suppress follow", () => {
    const { room, peers } = roomWith("10");
    const change = room.voiceStateChanged(update(peers[0]!, { mute: true, self_deaf: true, suppress: true }));
    expect(change).toEqual({ peer: peers[0]!, state: { ...peers[0]!.state, mute: true, selfDeaf: true, suppress: true } });
  });

  test("a user without a seat here changes nothing", () => {
    const { room, peers } = roomWith("10");
    expect(room.voiceStateChanged({ ...update(peers[0]!), user_id: "99" })).toBeUndefined();
  });
});
