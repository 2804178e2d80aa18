import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { MediaKind, OpaqueJson } from "./sfu";
import { Closing, type VoiceClosing } from "./voice-close";
import type { VoicePeer } from "./voice-peer";
import type { VoiceState, VoiceStatePayload } from "./voice-state";

/** What the SFU needs so that one peer receives another's producer. */
export interface Consumption {
  readonly transportId: string;
  readonly producerId: string;
  readonly rtpCapabilities: OpaqueJson;
}

/** A peer that left: the transports to close, and whether the room is now empty (and so closes). */
export interface Departure {
  readonly transportIds: readonly string[];
  readonly empty: boolean;
}

/** What a voice state change means for the user's seat: their socket ends, or their state (mute, deafen…) changes. */
export type SeatChange<P> = { readonly peer: P; readonly closing: VoiceClosing } | { readonly peer: P; readonly state: VoiceState };

/**
 * Who is in one voice channel's room, and who hears (and sees) whom: one seat per user, each producer (microphone,
 * camera) reaches every other seated peer, a consumer belongs to the peer receiving it. Plain state: the application makes the SFU calls and the
 * notifications these decisions call for. `P` is the application's peer (a VoicePeer with its connection).
 */
export class VoiceRoom<P extends VoicePeer> {
  private readonly seats = new Map<Snowflake, P>();
  private readonly producers = new Map<string, P>();
  private readonly consumerOwners = new Map<string, P>();
  closed = false;

  constructor(
    readonly channelId: Snowflake,
    readonly guildId: Snowflake,
  ) {}

  /** The seated peers, in joining order. */
  peers(): IterableIterator<P> {
    return this.seats.values();
  }

  userIds(): Snowflake[] {
    return [...this.seats.keys()];
  }

  get size(): number {
    return this.seats.size;
  }

  /** The user's current seat, which a new connection of theirs replaces (closing it with `Closing.replaced`). */
  seatOf(userId: Snowflake): P | undefined {
    return this.seats.get(userId);
  }

  seat(peer: P): void {
    this.seats.set(peer.userId, peer);
  }

  /** The peer leaves (once): its producer and consumers are forgotten. Undefined when it had left already. */
  leave(peer: P): Departure | undefined {
    if (peer.left) return undefined;
    peer.left = true;
    if (this.seats.get(peer.userId) === peer) this.seats.delete(peer.userId);
    if (peer.producerId) this.producers.delete(peer.producerId);
    if (peer.videoProducerId) this.producers.delete(peer.videoProducerId);
    for (const consumerId of peer.consumers.keys()) this.consumerOwners.delete(consumerId);
    const transportIds = [peer.sendTransportId, peer.recvTransportId].filter((id): id is string => Boolean(id));
    return { transportIds, empty: this.seats.size === 0 };
  }

  /** A new producer (the peer's microphone, or its camera): every other seated peer should receive it. */
  producerAdded(producer: P, kind: MediaKind = "audio"): P[] {
    this.producers.set(producer.producerOf(kind)!, producer);
    return this.others(producer);
  }

  /** A producer the client closed: no longer the room's. */
  producerRemoved(producerId: string): void {
    this.producers.delete(producerId);
  }

  /** The producers of the room with their peers, live (a peer leaving while it is read drops out). */
  producing(): IterableIterator<[string, P]> {
    return this.producers.entries();
  }

  others(peer: P): P[] {
    return [...this.seats.values()].filter((other) => other !== peer);
  }

  /**
   * Whether `consumer` should receive `producer`'s audio (or video) now: the producer produces it, the consumer has
   * a receive transport and capabilities and is still here, and does not already receive that user's audio (video).
   */
  consumption(consumer: P, producer: P, kind: MediaKind = "audio"): Consumption | undefined {
    const producerId = producer.producerOf(kind);
    const { recvTransportId, rtpCapabilities } = consumer;
    if (!producerId || !recvTransportId || !rtpCapabilities || consumer.left) return undefined;
    if (consumer.consumes(producer.userId, kind)) return undefined;
    return { transportId: recvTransportId, producerId, rtpCapabilities };
  }

  /** Records a consumer the SFU made; false when the consumer left meanwhile (nothing to announce). */
  consumerAdded(consumer: P, consumerId: string, producerUserId: Snowflake, kind: MediaKind = "audio"): boolean {
    if (consumer.left) return false;
    consumer.consumers.set(consumerId, { producerUserId, kind, resumedByClient: false });
    this.consumerOwners.set(consumerId, consumer);
    return true;
  }

  /** The peer owning a consumer (a layers change goes to it), unless it left. */
  consumerOwner(consumerId: string): P | undefined {
    const peer = this.consumerOwners.get(consumerId);
    return peer && !peer.left ? peer : undefined;
  }

  /** The SFU closed a consumer: forgotten; returns whom to tell (none when its peer left). */
  consumerClosed(consumerId: string): { readonly peer: P; readonly producerUserId: Snowflake } | undefined {
    const peer = this.consumerOwners.get(consumerId);
    if (!peer) return undefined;
    this.consumerOwners.delete(consumerId);
    const entry = peer.consumers.get(consumerId);
    peer.consumers.delete(consumerId);
    return entry && !peer.left ? { peer, producerUserId: entry.producerUserId } : undefined;
  }

  /** A producer started or stopped speaking; returns its peer, if it is one of the room's. */
  speaking(producerId: string, speaking: boolean): P | undefined {
    const peer = this.producers.get(producerId);
    if (peer) peer.speaking = speaking;
    return peer;
  }

  /**
   * A user's voice state changed. A seated user whose state left this channel or gateway session loses the seat;
   * otherwise their mute, deafen and suppress follow. Undefined when the user has no seat here.
   */
  voiceStateChanged(update: VoiceStatePayload): SeatChange<P> | undefined {
    const peer = this.seats.get(update.user_id);
    if (!peer) return undefined;
    if (update.channel_id !== this.channelId || update.session_id !== peer.state.gatewaySessionId) {
      return { peer, closing: update.channel_id === null ? Closing.leftChannel : Closing.moved };
    }
    const { self_mute: selfMute, self_deaf: selfDeaf, mute, deaf, suppress, self_video: selfVideo } = update;
    return { peer, state: { ...peer.state, selfMute, selfDeaf, mute, deaf, suppress, selfVideo } };
  }

  /** Marks the room closed; true the first time only. */
  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    return true;
  }
}
