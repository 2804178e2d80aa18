import { type DomainEvent, handleEvents } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ChannelDeleted } from "../../channel";
import type { ServerDeleted } from "../../guild";
import type { OpaqueJson, SfuRoom } from "../domain/sfu";
import { Closing, type VoiceClosing } from "../domain/voice-close";
import { type TransportDirection, VoicePeer } from "../domain/voice-peer";
import { VoiceRoom } from "../domain/voice-room";
import type { VoiceQueries } from "../domain/voice-repository";
import type { VoiceState, VoiceStateUpdated } from "../domain/voice-state";
import { consumerNewOf, participantOf, readyOf, streamStatsOf } from "./voice-notifications";

/** The guild events a room acts on. */
type RoomEvent = ChannelDeleted | ServerDeleted | VoiceStateUpdated;

/** One client's signaling socket, as the rooms see it. */
export interface PeerConnection {
  /** Sends a notification `{ event, data }`. */
  notify(event: string, data: unknown): void;
  close(code: number, reason: string): void;
}

/** What a room needs besides its SFU router. */
export interface RoomDeps {
  readonly queries: VoiceQueries;
  /** Listens to a guild's events (pub/sub); resolves with the function that stops. */
  readonly subscribeGuild: (guildId: Snowflake, handler: (event: DomainEvent) => void) => Promise<() => Promise<void>>;
  readonly stateTtlMs: number;
  readonly statsIntervalMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/** A participant connected to a room: the signaling methods of docs/voice.md, carried out on the room's SFU router. */
export class Peer extends VoicePeer {
  constructor(
    readonly room: Room,
    state: VoiceState,
    readonly connection: PeerConnection,
  ) {
    super(state);
  }

  async createTransport(direction: TransportDirection) {
    this.checkNewTransport(direction);
    const transport = await this.room.sfu.createTransport(direction);
    try {
      this.attachTransport(direction, transport.id);
    } catch (error) {
      this.room.sfu.closeTransport(transport.id);
      throw error;
    }
    return { transport };
  }

  async connectTransport(transportId: string, dtlsParameters: OpaqueJson) {
    this.checkOwnTransport(transportId);
    await this.room.sfu.connectTransport(transportId, dtlsParameters);
    return {};
  }

  async produce(transportId: string, rtpParameters: OpaqueJson) {
    this.checkProduce(transportId);
    const producerId = await this.room.sfu.produce(transportId, rtpParameters);
    if (this.startProducing(producerId)) await this.room.sfu.setProducerPaused(producerId, true);
    await this.room.producerAdded(this);
    return { producer_id: producerId };
  }

  async consume(rtpCapabilities: OpaqueJson) {
    this.checkConsume();
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
    this.requestResume(consumerId);
    await this.room.sfu.setConsumerPaused(consumerId, false);
    return {};
  }

  /** Applies a new voice state: server/self mute pauses the producer, deafen pauses every consumer. */
  async apply(state: VoiceState): Promise<void> {
    const effects = this.applyState(state);
    if (effects.producer) await this.room.sfu.setProducerPaused(effects.producer.producerId, effects.producer.paused);
    if (effects.deafenChanged) {
      await Promise.all(this.consumerPauses().map(({ consumerId, paused }) => this.room.sfu.setConsumerPaused(consumerId, paused)));
    }
  }
}

/**
 * One voice channel's room on this node: the seats (the domain VoiceRoom) carried out on an SFU router, the guild
 * events that move them, the notifications to the clients, and the timers (stats, voice state refresh).
 */
export class Room {
  readonly seats: VoiceRoom<Peer>;
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private stopEvents: (() => Promise<void>) | undefined;

  constructor(
    channelId: Snowflake,
    guildId: Snowflake,
    readonly sfu: SfuRoom,
    private readonly deps: RoomDeps,
    private readonly onClosed: () => void,
  ) {
    this.seats = new VoiceRoom(channelId, guildId);
    sfu.onSpeaking((producerId, speaking) => {
      const peer = this.seats.speaking(producerId, speaking);
      if (peer) this.broadcast("speaking", { user_id: peer.userId, speaking });
    });
    sfu.onConsumerClosed((consumerId) => {
      const closed = this.seats.consumerClosed(consumerId);
      if (closed) closed.peer.connection.notify("consumer_closed", { consumer_id: consumerId, user_id: closed.producerUserId });
    });
    this.every(deps.statsIntervalMs, () => this.reportStats());
    this.every(Math.max(1000, deps.stateTtlMs / 3), () => this.refreshStates());
  }

  get closed(): boolean {
    return this.seats.closed;
  }

  /** Starts listening to the guild's events (voice state changes, channel deletion). */
  async listen(): Promise<void> {
    this.stopEvents = await this.deps.subscribeGuild(this.seats.guildId, (event) => {
      this.onGuildEvent(event)?.catch((error: unknown) => this.deps.onError(error, { room: this.seats.channelId, event: event.type }));
    });
    if (this.closed) await this.stopEvents();
  }

  /**
   * Adds a participant and tells the others. A newer connection of a user already seated takes the seat before the
   * older one leaves: the room never looks empty meanwhile (it would close, and the sole participant connecting
   * again would be seated in a room whose router is gone).
   */
  admit(state: VoiceState, connection: PeerConnection): Peer {
    const previous = this.seats.seatOf(state.userId);
    const peer = new Peer(this, state, connection);
    this.seats.seat(peer);
    if (previous) this.remove(previous, Closing.replaced, peer);
    this.broadcast("participant_joined", participantOf(peer), peer);
    return peer;
  }

  /** The `ready` answer to `identify` (docs/voice.md). */
  readyFor(state: VoiceState): Record<string, unknown> {
    return readyOf(state, this.sfu.rtpCapabilities, this.seats.peers());
  }

  /** A participant's socket closed, or they were removed: close their transports and tell the others. */
  remove(peer: Peer, closing?: VoiceClosing, successor?: Peer): void {
    const departure = this.seats.leave(peer);
    if (!departure) return;
    for (const transportId of departure.transportIds) this.sfu.closeTransport(transportId);
    if (closing) peer.connection.close(closing.code, closing.reason);
    // The user's own new connection (`successor`) is not told that they left.
    this.broadcast("participant_left", { user_id: peer.userId }, successor);
    if (departure.empty) this.close();
  }

  /**
   * A new producer reaches everyone already consuming. One listener's failure (say, capabilities that no longer
   * fit) is theirs alone: it is logged, and neither the producer nor the other listeners are refused.
   */
  async producerAdded(producer: Peer): Promise<void> {
    const listeners = this.seats.producerAdded(producer);
    this.broadcast("participant_updated", participantOf(producer), producer);
    const results = await Promise.allSettled(listeners.map((peer) => this.consumeFrom(peer, producer)));
    results.forEach((result, index) => {
      if (result.status === "rejected") this.deps.onError(result.reason, { room: this.seats.channelId, consumer: listeners[index]!.userId, what: "consume" });
    });
  }

  async consumeAll(consumer: Peer): Promise<void> {
    await Promise.all(this.seats.others(consumer).map((peer) => this.consumeFrom(consumer, peer)));
  }

  /** A paused consumer of `producer` for `consumer`, announced with consumer_new (the client then resumes it). */
  private async consumeFrom(consumer: Peer, producer: Peer): Promise<void> {
    const wanted = this.seats.consumption(consumer, producer);
    if (!wanted || !this.sfu.canConsume(wanted.producerId, wanted.rtpCapabilities)) return;
    const options = await this.sfu.consume(wanted.transportId, wanted.producerId, wanted.rtpCapabilities);
    if (!this.seats.consumerAdded(consumer, options.id, producer.userId)) return;
    consumer.connection.notify("consumer_new", consumerNewOf(options, producer.userId));
  }

  /** What the room does with its guild's events: a deleted channel or guild ends it; voice states move or update peers. */
  private readonly onGuildEvent = handleEvents<RoomEvent, Promise<void>>({
    CHANNEL_DELETED: async ({ data }) => {
      if (data.id === this.seats.channelId) this.closeAll(Closing.channelDeleted);
    },
    SERVER_DELETED: async () => this.closeAll(Closing.guildDeleted),
    VOICE_STATE_UPDATED: async ({ data }) => {
      const change = this.seats.voiceStateChanged(data);
      if (!change) return;
      if ("closing" in change) return this.remove(change.peer, change.closing);
      await change.peer.apply(change.state);
      this.broadcast("participant_updated", participantOf(change.peer));
    },
  });

  private async reportStats(): Promise<void> {
    const participants = [];
    for (const [producerId, peer] of this.seats.producing()) {
      const quality = await this.sfu.producerQuality(producerId);
      if (quality) participants.push(streamStatsOf(peer.userId, quality));
    }
    if (participants.length > 0) this.broadcast("stats", { participants });
  }

  /** Connected participants keep their voice states alive. */
  private async refreshStates(): Promise<void> {
    await this.deps.queries.refresh(this.seats.userIds(), new Date(this.deps.now() + this.deps.stateTtlMs));
  }

  /** The SFU lost the room (its worker died): every client reconnects, which opens it again on a live worker. */
  lost(): void {
    for (const peer of this.seats.peers()) peer.connection.notify("reconnect", { reason: "The voice server restarted this room" });
    this.closeAll(Closing.reconnect);
  }

  private closeAll(closing: VoiceClosing): void {
    for (const peer of [...this.seats.peers()]) this.remove(peer, closing);
    this.close();
  }

  private broadcast(event: string, data: unknown, except?: Peer): void {
    for (const peer of this.seats.peers()) if (peer !== except) peer.connection.notify(event, data);
  }

  private close(): void {
    if (!this.seats.close()) return;
    for (const timer of this.timers) clearInterval(timer);
    this.sfu.close();
    this.stopEvents?.().catch((error: unknown) => this.deps.onError(error, { room: this.seats.channelId, what: "unsubscribe" }));
    this.onClosed();
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.deps.onError(error, { room: this.seats.channelId }));
    }, ms);
    timer.unref?.();
    this.timers.push(timer);
  }
}
