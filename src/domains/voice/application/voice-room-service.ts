import { type DomainEvent, handleEvents } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ChannelDeleted } from "../../channel";
import type { ServerDeleted } from "../../guild";
import type { Layers, MediaKind, OpaqueJson, SfuRoom } from "../domain/sfu";
import { Closing, type VoiceClosing } from "../domain/voice-close";
import { type TransportDirection, VoicePeer } from "../domain/voice-peer";
import { VoiceRoom } from "../domain/voice-room";
import type { VoiceQueries } from "../domain/voice-repository";
import type { VoiceState, VoiceStateUpdated } from "../domain/voice-state";
import { consumerLayersOf, consumerNewOf, consumerStatsOf, participantOf, readyOf, streamStatsOf } from "./voice-notifications";

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
  /** The user's permissions in the channel now (STREAM decides whether they may send camera video). */
  readonly permissionsIn: (userId: Snowflake, channelId: Snowflake) => Promise<bigint>;
  /** Records `self_video` on the user's voice state (a VOICE_STATE_UPDATED), if it is still the one seated. */
  readonly setSelfVideo: (seated: VoiceState, selfVideo: boolean) => Promise<unknown>;
  readonly stateTtlMs: number;
  readonly statsIntervalMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/** A participant connected to a room: the signaling methods of docs/voice.md, carried out on the room's SFU router. */
export class Peer extends VoicePeer {
  /** `self_video` changes of this connection, one after another (a camera switched on and off quickly ends off). */
  private selfVideoChanges: Promise<unknown> = Promise.resolve();

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

  async produce(transportId: string, kind: MediaKind, rtpParameters: OpaqueJson) {
    const permissions = kind === "video" ? await this.room.permissionsOf(this) : 0n;
    this.checkProduce(transportId, kind, permissions);
    const producerId = await this.room.sfu.produce(transportId, kind, rtpParameters);
    if (this.startProducing(producerId, kind)) await this.room.sfu.setProducerPaused(producerId, true);
    await this.room.producerAdded(this, kind);
    if (kind === "video") this.announceVideo(true);
    return { producer_id: producerId };
  }

  /** The client stopped a producer (its camera, or microphone): closed at the SFU, its consumers end with it. */
  async closeProducer(producerId: string) {
    const kind = this.stopProducing(producerId);
    this.room.seats.producerRemoved(producerId);
    this.room.sfu.closeProducer(producerId);
    if (kind === "video") this.announceVideo(false);
    else this.room.participantChanged(this);
    return {};
  }

  /** `self_video` follows the camera; a failure is logged (the media itself is unaffected). */
  announceVideo(on: boolean): void {
    const seated = this.state;
    this.selfVideoChanges = this.selfVideoChanges
      .then(() => this.room.deps.setSelfVideo(seated, on))
      .catch((error: unknown) => this.room.deps.onError(error, { room: this.room.seats.channelId, user: this.userId, what: "self_video" }));
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

  /** The client does not render a consumer (a video tile off screen): nothing is forwarded until resume_consumer. */
  async pauseConsumer(consumerId: string) {
    this.requestPause(consumerId);
    await this.room.sfu.setConsumerPaused(consumerId, true);
    return {};
  }

  /** The highest layers the client wants of a video consumer; the SFU's bandwidth estimate may forward lower ones. */
  async setPreferredLayers(consumerId: string, layers: Layers) {
    this.checkPreferredLayers(consumerId, layers);
    await this.room.sfu.setConsumerPreferredLayers(consumerId, layers);
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
    readonly deps: RoomDeps,
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
    sfu.onConsumerLayersChanged((consumerId, layers) => {
      this.seats.consumerOwner(consumerId)?.connection.notify("consumer_layers", consumerLayersOf(consumerId, layers));
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
    const hadVideo = peer.videoProducerId !== undefined;
    const departure = this.seats.leave(peer);
    if (!departure) return;
    if (hadVideo) peer.announceVideo(false); // a no-op when the voice state ended or moved meanwhile
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
  async producerAdded(producer: Peer, kind: MediaKind = "audio"): Promise<void> {
    const listeners = this.seats.producerAdded(producer, kind);
    // Camera video is announced by the VOICE_STATE_UPDATED that sets self_video (participant_updated then).
    if (kind === "audio") this.broadcast("participant_updated", participantOf(producer), producer);
    const results = await Promise.allSettled(listeners.map((peer) => this.consumeFrom(peer, producer, kind)));
    results.forEach((result, index) => {
      if (result.status === "rejected") this.deps.onError(result.reason, { room: this.seats.channelId, consumer: listeners[index]!.userId, what: "consume" });
    });
  }

  async consumeAll(consumer: Peer): Promise<void> {
    const kinds: MediaKind[] = ["audio", "video"];
    await Promise.all(this.seats.others(consumer).flatMap((peer) => kinds.map((kind) => this.consumeFrom(consumer, peer, kind))));
  }

  /** The user's STREAM and other permissions in this channel now. */
  permissionsOf(peer: Peer): Promise<bigint> {
    return this.deps.permissionsIn(peer.userId, this.seats.channelId);
  }

  /** Tells the others that `peer` changed (say, stopped producing). */
  participantChanged(peer: Peer): void {
    this.broadcast("participant_updated", participantOf(peer), peer);
  }

  /**
   * A paused consumer of `producer`'s audio or video for `consumer`, announced with consumer_new (the client then
   * resumes it). A consumer the client cannot decode (no common codec) is skipped.
   */
  private async consumeFrom(consumer: Peer, producer: Peer, kind: MediaKind): Promise<void> {
    const wanted = this.seats.consumption(consumer, producer, kind);
    if (!wanted || !this.sfu.canConsume(wanted.producerId, wanted.rtpCapabilities)) return;
    const options = await this.sfu.consume(wanted.transportId, wanted.producerId, wanted.rtpCapabilities);
    if (!this.seats.consumerAdded(consumer, options.id, producer.userId, kind)) return;
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

  /**
   * `stats`: how each producer's media reaches the server (everyone gets the same list), and to each peer how its
   * own consumers fare (score, and for video the layers forwarded and preferred).
   */
  private async reportStats(): Promise<void> {
    const participants = [];
    for (const [producerId, peer] of [...this.seats.producing()]) {
      const quality = await this.sfu.producerQuality(producerId);
      if (quality) participants.push(streamStatsOf(peer.userId, producerId === peer.videoProducerId ? "video" : "audio", quality));
    }
    for (const peer of this.seats.peers()) {
      const consumers = [];
      for (const [consumerId, entry] of peer.consumers) {
        const quality = this.sfu.consumerQuality(consumerId);
        if (quality) consumers.push(consumerStatsOf(consumerId, entry, quality, peer.deafened));
      }
      if (participants.length > 0 || consumers.length > 0) peer.connection.notify("stats", { participants, consumers });
    }
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
