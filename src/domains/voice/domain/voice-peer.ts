import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { OpaqueJson } from "./sfu";
import type { VoiceState } from "./voice-state";

export type TransportDirection = "send" | "recv";

/** One consumer a peer receives: whose audio it carries, and whether the client asked to hear it. */
export interface ConsumerEntry {
  readonly producerUserId: Snowflake;
  /** The client asked for it (resume_consumer); deafening keeps it paused regardless. */
  resumedByClient: boolean;
}

/** What a new voice state asks of the SFU: the producer's new pause, and whether deafening flipped. */
export interface ModerationEffects {
  readonly producer?: { readonly producerId: string; readonly paused: boolean };
  /** The consumers the client resumed follow the new deafen (see `consumerPauses`). */
  readonly deafenChanged: boolean;
}

const forbidden = (message: string) => new DomainError(ErrorCode.MISSING_PERMISSIONS, message);
const invalid = (message: string) => new DomainError(ErrorCode.VALIDATION, message, {});

/**
 * A participant seated in a voice room: their voice state, transports, producer and consumers, and the rules of
 * what they may do with them. Holds ids only; the SFU calls are the application's.
 */
export class VoicePeer {
  sendTransportId: string | undefined;
  recvTransportId: string | undefined;
  producerId: string | undefined;
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

  /** Producing needs one's own send transport, SPEAK (not suppressed), and no producer yet. */
  checkProduce(transportId: string): void {
    if (transportId !== this.sendTransportId) throw invalid("Not your send transport");
    if (this.state.suppress) throw forbidden("Missing Permissions: SPEAK");
    if (this.producerId) throw invalid("Already producing");
  }

  /** Records the producer the SFU made; true when it must start paused (muted). */
  startProducing(producerId: string): boolean {
    this.producerId = producerId;
    return this.producerPaused;
  }

  checkConsume(): void {
    if (!this.recvTransportId) throw invalid("Create a recv transport first");
  }

  /** Whether the peer already receives that user's audio: one consumer per producing user. */
  consumes(userId: Snowflake): boolean {
    return [...this.consumers.values()].some((entry) => entry.producerUserId === userId);
  }

  /** The client asks to hear a consumer: remembered even when deafened, which refuses it for now. */
  requestResume(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) throw new DomainError(ErrorCode.NOT_FOUND, "Unknown consumer");
    entry.resumedByClient = true;
    if (this.deafened) throw forbidden("You are deafened");
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

  /** The consumers the client resumed, each paused exactly when the peer is deafened now. */
  consumerPauses(): Array<{ consumerId: string; paused: boolean }> {
    return [...this.consumers].filter(([, entry]) => entry.resumedByClient).map(([consumerId]) => ({ consumerId, paused: this.deafened }));
  }
}
