import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Layers, MediaKind, OpaqueJson } from "./sfu";
import type { VoiceState } from "./voice-state";

export type TransportDirection = "send" | "recv";

/** One consumer a peer receives: whose audio or video it carries, and whether the client asked for it. */
export interface ConsumerEntry {
  readonly producerUserId: Snowflake;
  readonly kind: MediaKind;
  /** The client asked for it (resume_consumer) and has not paused it since (pause_consumer); deafening keeps audio paused regardless. */
  resumedByClient: boolean;
}

/** Camera video: at most this many simulcast encodings (layers), lowest resolution first. */
export const MAX_VIDEO_LAYERS = 3;
/** Temporal layers per encoding (scalability mode L1T1 to L1T3). */
export const MAX_TEMPORAL_LAYERS = 3;

/** What a new voice state asks of the SFU: the producer's new pause, and whether deafening flipped. */
export interface ModerationEffects {
  readonly producer?: { readonly producerId: string; readonly paused: boolean };
  /** The consumers the client resumed follow the new deafen (see `consumerPauses`). */
  readonly deafenChanged: boolean;
}

const forbidden = (message: string) => new DomainError(ErrorCode.MISSING_PERMISSIONS, message);
const invalid = (message: string) => new DomainError(ErrorCode.VALIDATION, message, {});

/**
 * A participant seated in a voice room: their voice state, transports, producers (microphone, camera) and consumers, and the rules of
 * what they may do with them. Holds ids only; the SFU calls are the application's.
 */
export class VoicePeer {
  sendTransportId: string | undefined;
  recvTransportId: string | undefined;
  /** The microphone's producer. */
  producerId: string | undefined;
  /** The camera's producer. */
  videoProducerId: string | undefined;
  rtpCapabilities: OpaqueJson | undefined;
  /** Heard above the threshold lately (speaking indicators), so late joiners learn who is talking. */
  speaking = false;
  readonly consumers = new Map<string, ConsumerEntry>();
  left = false;

  constructor(public state: VoiceState) {}

  get userId(): Snowflake {
    return this.state.userId;
  }

  /** Server or self mute: the producer stays paused. */
  get producerPaused(): boolean {
    return this.state.mute || this.state.selfMute;
  }

  /** Server or self deafen: every consumer stays paused. */
  get deafened(): boolean {
    return this.state.deaf || this.state.selfDeaf;
  }

  /** One transport per direction. */
  checkNewTransport(direction: TransportDirection): void {
    const existing = direction === "send" ? this.sendTransportId : this.recvTransportId;
    if (existing) throw invalid(`A ${direction} transport exists already`);
  }

  /** Keeps a transport the SFU made; throws when the peer left meanwhile (the caller closes the transport). */
  attachTransport(direction: TransportDirection, transportId: string): void {
    if (this.left) throw invalid("Left the room");
    if (direction === "send") this.sendTransportId = transportId;
    else this.recvTransportId = transportId;
  }

  checkOwnTransport(transportId: string): void {
    if (transportId !== this.sendTransportId && transportId !== this.recvTransportId) throw invalid("Not your transport");
  }

  /**
   * Producing needs one's own send transport and no producer of that kind yet; audio needs SPEAK (not suppressed),
   * camera video needs STREAM (Discord's "Video" permission) in the channel now (`permissions`).
   */
  checkProduce(transportId: string, kind: MediaKind = "audio", permissions = 0n): void {
    if (transportId !== this.sendTransportId) throw invalid("Not your send transport");
    if (kind === "audio" && this.state.suppress) throw forbidden("Missing Permissions: SPEAK");
    if (kind === "video" && !hasPermission(permissions, Permission.STREAM)) throw forbidden("Missing Permissions: STREAM");
    if (this.producerOf(kind)) throw invalid(kind === "audio" ? "Already producing" : "Already producing video");
  }

  producerOf(kind: MediaKind): string | undefined {
    return kind === "audio" ? this.producerId : this.videoProducerId;
  }

  /** Records the producer the SFU made; true when it must start paused (a muted microphone; video ignores mute). */
  startProducing(producerId: string, kind: MediaKind = "audio"): boolean {
    if (kind === "video") {
      this.videoProducerId = producerId;
      return false;
    }
    this.producerId = producerId;
    return this.producerPaused;
  }

  /** The client stops one of its producers (close_producer): its kind, so the caller closes it at the SFU. */
  stopProducing(producerId: string): MediaKind {
    if (producerId === this.producerId) {
      this.producerId = undefined;
      return "audio";
    }
    if (producerId === this.videoProducerId) {
      this.videoProducerId = undefined;
      return "video";
    }
    throw new DomainError(ErrorCode.NOT_FOUND, "Unknown producer");
  }

  checkConsume(): void {
    if (!this.recvTransportId) throw invalid("Create a recv transport first");
  }

  /** Whether the peer already receives that user's audio (or video): one consumer per producing user and kind. */
  consumes(userId: Snowflake, kind: MediaKind = "audio"): boolean {
    return [...this.consumers.values()].some((entry) => entry.producerUserId === userId && entry.kind === kind);
  }

  /** The client asks to hear (or see) a consumer: remembered even when deafened, which refuses audio for now. */
  requestResume(consumerId: string): void {
    const entry = this.consumerEntry(consumerId);
    entry.resumedByClient = true;
    if (entry.kind === "audio" && this.deafened) throw forbidden("You are deafened");
  }

  /** The client stops rendering a consumer (pause_consumer): it stays paused until resume_consumer. */
  requestPause(consumerId: string): void {
    this.consumerEntry(consumerId).resumedByClient = false;
  }

  /** Preferred layers apply to video consumers only, within the simulcast layers a producer may have. */
  checkPreferredLayers(consumerId: string, layers: Layers): void {
    if (this.consumerEntry(consumerId).kind !== "video") throw invalid("Layers apply to video consumers only");
    if (layers.spatialLayer >= MAX_VIDEO_LAYERS) throw invalid(`spatial_layer must be below ${MAX_VIDEO_LAYERS}`);
    if (layers.temporalLayer >= MAX_TEMPORAL_LAYERS) throw invalid(`temporal_layer must be below ${MAX_TEMPORAL_LAYERS}`);
  }

  private consumerEntry(consumerId: string): ConsumerEntry {
    const entry = this.consumers.get(consumerId);
    if (!entry) throw new DomainError(ErrorCode.NOT_FOUND, "Unknown consumer");
    return entry;
  }

  /** Applies a new voice state: a mute change pauses or resumes the producer, a deafen change the consumers. */
  applyState(state: VoiceState): ModerationEffects {
    const wasPaused = this.producerPaused;
    const wasDeaf = this.deafened;
    this.state = state;
    const producerId = this.producerId;
    return {
      ...(producerId && wasPaused !== this.producerPaused ? { producer: { producerId, paused: this.producerPaused } } : {}),
      deafenChanged: wasDeaf !== this.deafened,
    };
  }

  /** The audio consumers the client resumed, each paused exactly when the peer is deafened now (video is not heard). */
  consumerPauses(): Array<{ consumerId: string; paused: boolean }> {
    return [...this.consumers]
      .filter(([, entry]) => entry.resumedByClient && entry.kind === "audio")
      .map(([consumerId]) => ({ consumerId, paused: this.deafened }));
  }
}
