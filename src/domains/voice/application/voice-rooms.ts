import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { type DomainEvent, handleEvents } from "../../../shared/kernel/domain-event";
import type { ChannelDeleted } from "../../channel/domain/channel-events";
import type { ServerDeleted } from "../../guild/domain/guild-events";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { VoiceQueries } from "../domain/voice-repository";
import type { OpaqueJson, Sfu, SfuRoom } from "../domain/sfu";
import type { VoiceState, VoiceStateUpdated } from "../domain/voice-state";

/** The guild events a room acts on. */
type RoomEvent = ChannelDeleted | ServerDeleted | VoiceStateUpdated;
import type { VoiceTokens } from "./voice-tokens";

/** Close codes of the voice signaling socket (docs/voice.md). */
export const VoiceClose = {
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionEnded: 4006,
  RateLimited: 4008,
  Reconnect: 4015,
} as const;

/** One client's signaling socket, as the rooms see it. */
export interface PeerConnection {
  /** Sends a notification `{ event, data }`. */
  notify(event: string, data: unknown): void;
  close(code: number, reason: string): void;
}

export interface VoiceRoomsDeps {
  readonly sfu: Sfu;
  readonly queries: VoiceQueries;
  readonly tokens: VoiceTokens;
  /** This node's id: a call hosted elsewhere is refused here, so that a call never splits over two SFUs. */
  readonly nodeId: number;
  /** Listens to a guild's events (pub/sub); resolves with the function that stops. */
  readonly subscribeGuild: (guildId: Snowflake, handler: (event: DomainEvent) => void) => Promise<() => Promise<void>>;
  readonly stateTtlMs: number;
  readonly statsIntervalMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

interface ConsumerEntry {
  readonly producerUserId: Snowflake;
  /** The client asked for it (resume_consumer); deafening keeps it paused regardless. */
  resumedByClient: boolean;
}

const participantOf = (peer: Peer) => ({
  user_id: peer.state.userId,
  self_mute: peer.state.selfMute,
  self_deaf: peer.state.selfDeaf,
  mute: peer.state.mute,
  deaf: peer.state.deaf,
  suppress: peer.state.suppress,
  producing: peer.producerId !== undefined,
  speaking: peer.speaking,
});

const forbidden = (message: string) => new DomainError(ErrorCode.MISSING_PERMISSIONS, message);
const invalid = (message: string) => new DomainError(ErrorCode.VALIDATION, message, {});

/** A participant connected to a room: their transports, producer and consumers. */
export class Peer {
  sendTransportId: string | undefined;
  recvTransportId: string | undefined;
  producerId: string | undefined;
  rtpCapabilities: OpaqueJson | undefined;
  /** Heard above the threshold lately (speaking indicators), so late joiners learn who is talking. */
  speaking = false;
  readonly consumers = new Map<string, ConsumerEntry>();
  left = false;

  constructor(
    readonly room: Room,
    public state: VoiceState,
    readonly connection: PeerConnection,
  ) {}

  get producerPaused(): boolean {
    return this.state.mute || this.state.selfMute;
  }

  get deafened(): boolean {
    return this.state.deaf || this.state.selfDeaf;
  }

  async createTransport(direction: "send" | "recv") {
    const existing = direction === "send" ? this.sendTransportId : this.recvTransportId;
    if (existing) throw invalid(`A ${direction} transport exists already`);
    const transport = await this.room.sfu.createTransport(direction);
    if (this.left) {
      this.room.sfu.closeTransport(transport.id);
      throw invalid("Left the room");
    }
    if (direction === "send") this.sendTransportId = transport.id;
    else this.recvTransportId = transport.id;
    return { transport };
  }

  async connectTransport(transportId: string, dtlsParameters: OpaqueJson) {
    this.ownTransport(transportId);
    await this.room.sfu.connectTransport(transportId, dtlsParameters);
    return {};
  }

  async produce(transportId: string, rtpParameters: OpaqueJson) {
    if (transportId !== this.sendTransportId) throw invalid("Not your send transport");
    if (this.state.suppress) throw forbidden("Missing Permissions: SPEAK");
    if (this.producerId) throw invalid("Already producing");
    const producerId = await this.room.sfu.produce(transportId, rtpParameters);
    this.producerId = producerId;
    if (this.producerPaused) await this.room.sfu.setProducerPaused(producerId, true);
    await this.room.producerAdded(this);
    return { producer_id: producerId };
  }

  async consume(rtpCapabilities: OpaqueJson) {
    if (!this.recvTransportId) throw invalid("Create a recv transport first");
    const previous = this.rtpCapabilities;
    this.rtpCapabilities = rtpCapabilities;
    try {
      await this.room.consumeAll(this);
    } catch (error) {
      this.rtpCapabilities = previous; // capabilities the SFU refused are not kept for later producers
      throw error;
    }
    return {};
  }

  async resumeConsumer(consumerId: string) {
    const entry = this.consumers.get(consumerId);
    if (!entry) throw new DomainError(ErrorCode.NOT_FOUND, "Unknown consumer");
    entry.resumedByClient = true;
    if (this.deafened) throw forbidden("You are deafened");
    await this.room.sfu.setConsumerPaused(consumerId, false);
    return {};
  }

  /** Applies a new voice state: server/self mute pauses the producer, deafen pauses every consumer. */
  async apply(state: VoiceState): Promise<void> {
    const wasPaused = this.producerPaused;
    const wasDeaf = this.deafened;
    this.state = state;
    if (this.producerId && wasPaused !== this.producerPaused) await this.room.sfu.setProducerPaused(this.producerId, this.producerPaused);
    if (wasDeaf !== this.deafened) {
      await Promise.all(
        [...this.consumers].filter(([, entry]) => entry.resumedByClient).map(([id]) => this.room.sfu.setConsumerPaused(id, this.deafened)),
      );
    }
  }

  private ownTransport(transportId: string) {
    if (transportId !== this.sendTransportId && transportId !== this.recvTransportId) throw invalid("Not your transport");
  }

  get participant() {
    return participantOf(this);
  }
}

/** One voice channel's room on this node: its SFU router and the connected participants. */
export class Room {
  readonly peers = new Map<Snowflake, Peer>();
  private readonly producers = new Map<string, Peer>();
  private readonly consumerOwners = new Map<string, Peer>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private stopEvents: (() => Promise<void>) | undefined;
  closed = false;

  constructor(
    readonly channelId: Snowflake,
    readonly guildId: Snowflake,
    readonly sfu: SfuRoom,
    private readonly deps: VoiceRoomsDeps,
    private readonly onClosed: () => void,
  ) {
    sfu.onSpeaking((producerId, speaking) => {
      const peer = this.producers.get(producerId);
      if (!peer) return;
      peer.speaking = speaking;
      this.broadcast("speaking", { user_id: peer.state.userId, speaking });
    });
    sfu.onConsumerClosed((consumerId) => {
      const peer = this.consumerOwners.get(consumerId);
      if (!peer) return;
      this.consumerOwners.delete(consumerId);
      const entry = peer.consumers.get(consumerId);
      peer.consumers.delete(consumerId);
      if (entry && !peer.left) peer.connection.notify("consumer_closed", { consumer_id: consumerId, user_id: entry.producerUserId });
    });
    this.every(deps.statsIntervalMs, () => this.reportStats());
    this.every(Math.max(1000, deps.stateTtlMs / 3), () => this.refreshStates());
  }

  /** Starts listening to the guild's events (voice state changes, channel deletion). */
  async listen(): Promise<void> {
    this.stopEvents = await this.deps.subscribeGuild(this.guildId, (event) => {
      this.onGuildEvent(event)?.catch((error: unknown) => this.deps.onError(error, { room: this.channelId, event: event.type }));
    });
    if (this.closed) await this.stopEvents();
  }

  /** Adds a participant (replacing an older connection of the same user) and tells the others. */
  admit(state: VoiceState, connection: PeerConnection): Peer {
    const previous = this.peers.get(state.userId);
    if (previous) this.remove(previous, VoiceClose.SessionEnded, "Connected again elsewhere");
    const peer = new Peer(this, state, connection);
    this.peers.set(state.userId, peer);
    this.broadcast("participant_joined", peer.participant, peer);
    return peer;
  }

  /** A participant's socket closed, or they were removed: close their transports and tell the others. */
  remove(peer: Peer, code?: number, reason?: string): void {
    if (peer.left) return;
    peer.left = true;
    if (this.peers.get(peer.state.userId) === peer) this.peers.delete(peer.state.userId);
    if (peer.producerId) this.producers.delete(peer.producerId);
    for (const consumerId of peer.consumers.keys()) this.consumerOwners.delete(consumerId);
    for (const transportId of [peer.sendTransportId, peer.recvTransportId]) if (transportId) this.sfu.closeTransport(transportId);
    if (code !== undefined) peer.connection.close(code, reason ?? "");
    this.broadcast("participant_left", { user_id: peer.state.userId });
    if (this.peers.size === 0) this.close();
  }

  /**
   * A new producer reaches everyone already consuming. One listener's failure (say, capabilities that no longer
   * fit) is theirs alone: it is logged, and neither the producer nor the other listeners are refused.
   */
  async producerAdded(producer: Peer): Promise<void> {
    this.producers.set(producer.producerId!, producer);
    this.broadcast("participant_updated", producer.participant, producer);
    const listeners = [...this.peers.values()].filter((peer) => peer !== producer);
    const results = await Promise.allSettled(listeners.map((peer) => this.consumeFrom(peer, producer)));
    results.forEach((result, index) => {
      if (result.status === "rejected") this.deps.onError(result.reason, { room: this.channelId, consumer: listeners[index]!.state.userId, what: "consume" });
    });
  }

  async consumeAll(consumer: Peer): Promise<void> {
    await Promise.all([...this.peers.values()].filter((peer) => peer !== consumer).map((peer) => this.consumeFrom(consumer, peer)));
  }

  /** A paused consumer of `producer` for `consumer`, announced with consumer_new (the client then resumes it). */
  private async consumeFrom(consumer: Peer, producer: Peer): Promise<void> {
    const producerId = producer.producerId;
    if (!producerId || !consumer.recvTransportId || !consumer.rtpCapabilities || consumer.left) return;
    if ([...consumer.consumers.values()].some((entry) => entry.producerUserId === producer.state.userId)) return;
    if (!this.sfu.canConsume(producerId, consumer.rtpCapabilities)) return;
    const options = await this.sfu.consume(consumer.recvTransportId, producerId, consumer.rtpCapabilities);
    if (consumer.left) return;
    consumer.consumers.set(options.id, { producerUserId: producer.state.userId, resumedByClient: false });
    this.consumerOwners.set(options.id, consumer);
    consumer.connection.notify("consumer_new", {
      consumer_id: options.id,
      producer_id: options.producerId,
      user_id: producer.state.userId,
      kind: options.kind,
      rtp_parameters: options.rtpParameters,
    });
  }

  /** What the room does with its guild's events: a deleted channel or guild ends it; voice states move or update peers. */
  private readonly onGuildEvent = handleEvents<RoomEvent, Promise<void>>({
    CHANNEL_DELETED: async ({ data }) => {
      if (data.id === this.channelId) this.closeAll(VoiceClose.SessionEnded, "Channel deleted");
    },
    SERVER_DELETED: async () => this.closeAll(VoiceClose.SessionEnded, "Guild deleted"),
    VOICE_STATE_UPDATED: async ({ data }) => {
      const peer = this.peers.get(data.user_id);
      if (!peer) return;
      if (data.channel_id !== this.channelId || data.session_id !== peer.state.gatewaySessionId) {
        return this.remove(peer, VoiceClose.SessionEnded, data.channel_id === null ? "Left the voice channel" : "Voice state moved");
      }
      await peer.apply({
        ...peer.state,
        selfMute: data.self_mute,
        selfDeaf: data.self_deaf,
        mute: data.mute,
        deaf: data.deaf,
        suppress: data.suppress,
      });
      this.broadcast("participant_updated", peer.participant);
    },
  });

  private async reportStats(): Promise<void> {
    const participants = [];
    for (const [producerId, peer] of this.producers) {
      const quality = await this.sfu.producerQuality(producerId);
      if (!quality) continue;
      participants.push({
        user_id: peer.state.userId,
        score: quality.score,
        packet_loss: quality.packetLoss,
        jitter_ms: quality.jitterMs,
        bitrate: quality.bitrate,
        packets: quality.packets,
      });
    }
    if (participants.length > 0) this.broadcast("stats", { participants });
  }

  /** Connected participants keep their voice states alive. */
  private async refreshStates(): Promise<void> {
    await this.deps.queries.refresh([...this.peers.keys()], new Date(this.deps.now() + this.deps.stateTtlMs));
  }

  /** The SFU lost the room (its worker died): every client reconnects, which opens it again on a live worker. */
  lost(): void {
    for (const peer of this.peers.values()) peer.connection.notify("reconnect", { reason: "The voice server restarted this room" });
    this.closeAll(VoiceClose.Reconnect, "Reconnect");
  }

  private closeAll(code: number, reason: string): void {
    for (const peer of [...this.peers.values()]) this.remove(peer, code, reason);
    this.close();
  }

  broadcast(event: string, data: unknown, except?: Peer): void {
    for (const peer of this.peers.values()) if (peer !== except) peer.connection.notify(event, data);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.sfu.close();
    this.stopEvents?.().catch((error: unknown) => this.deps.onError(error, { room: this.channelId, what: "unsubscribe" }));
    this.onClosed();
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.deps.onError(error, { room: this.channelId }));
    }, ms);
    timer.unref?.();
    this.timers.push(timer);
  }
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
      const participants = [...room.peers.values()].map((other) => other.participant);
      return {
        peer,
        ready: {
          user_id: state.userId,
          guild_id: state.guildId,
          channel_id: state.channelId,
          rtp_capabilities: room.sfu.rtpCapabilities,
          participants,
        },
      };
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
