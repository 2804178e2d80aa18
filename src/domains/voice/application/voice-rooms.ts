import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Sfu } from "../domain/sfu";
import { type Peer, type PeerConnection, Room, type RoomDeps } from "./voice-room-service";
import type { VoiceTokens } from "./voice-tokens";

export { VoiceClose } from "../domain/voice-close";
export type { Peer, PeerConnection } from "./voice-room-service";

export interface VoiceRoomsDeps extends RoomDeps {
  readonly sfu: Sfu;
  readonly tokens: VoiceTokens;
  /** This node's id: a call hosted elsewhere is refused here, so that a call never splits over two SFUs. */
  readonly nodeId: number;
}

/**
 * The rooms this node hosts, one per voice channel with connected participants. A room opens with its first
 * participant (a router on the least-loaded worker) and closes with its last.
 */
export const createVoiceRooms = (deps: VoiceRoomsDeps) => {
  const rooms = new Map<Snowflake, Promise<Room>>();

  deps.sfu.onRoomLost((roomId) => {
    const pending = rooms.get(roomId);
    rooms.delete(roomId);
    pending?.then((room) => room.lost()).catch(() => {});
  });

  const roomFor = (channelId: Snowflake, guildId: Snowflake): Promise<Room> => {
    let pending = rooms.get(channelId);
    if (!pending) {
      pending = (async () => {
        const sfuRoom = await deps.sfu.openRoom(channelId);
        const room = new Room(channelId, guildId, sfuRoom, deps, () => {
          if (rooms.get(channelId) === pending) rooms.delete(channelId);
        });
        await room.listen();
        return room;
      })();
      rooms.set(channelId, pending);
      pending.catch(() => rooms.delete(channelId));
    }
    return pending;
  };

  return {
    /**
     * Checks a voice token against the live voice state (same user, channel and gateway session, call hosted here)
     * and seats the client in the room; throws DomainError UNAUTHORIZED when it does not hold.
     */
    async identify(token: string, connection: PeerConnection): Promise<{ peer: Peer; ready: Record<string, unknown> }> {
      const claims = await deps.tokens.redeem(token);
      const state = claims ? await deps.queries.stateOf(claims.userId) : null;
      if (!claims || !state || state.channelId !== claims.channelId || state.gatewaySessionId !== claims.gatewaySessionId) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, "Invalid or expired voice token");
      }
      const call = await deps.queries.openCall(state.channelId);
      if (!call || call.nodeId !== deps.nodeId) throw new DomainError(ErrorCode.UNAUTHORIZED, "This voice server does not host that call");
      let room = await roomFor(state.channelId, state.guildId);
      if (room.closed) room = await roomFor(state.channelId, state.guildId);
      const peer = room.admit(state, connection);
      return { peer, ready: room.readyFor(state) };
    },
    /** Rooms open on this node. */
    count: () => rooms.size,
    /** Closes every room; clients are told to reconnect (to another node, through op 4). */
    async close(): Promise<void> {
      const all = await Promise.allSettled([...rooms.values()]);
      for (const result of all) if (result.status === "fulfilled") result.value.lost();
      rooms.clear();
    },
  };
};

export type VoiceRooms = ReturnType<typeof createVoiceRooms>;
