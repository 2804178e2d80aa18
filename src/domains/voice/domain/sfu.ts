/**
 * The selective forwarding unit (SFU) port: rooms that forward every participant's audio and camera video to the others.
 * The adapter is mediasoup (src/shared/infrastructure/sfu); WebRTC parameters pass between the client's
 * mediasoup-client and the SFU unchanged, so the domain treats them as opaque JSON.
 */

/** JSON the client and the SFU exchange verbatim (RTP capabilities and parameters, ICE and DTLS parameters). */
export type OpaqueJson = Record<string, unknown>;

/** What a client needs to build its side of a WebRTC transport (mediasoup-client's `TransportOptions`). */
export interface TransportOptions {
  readonly id: string;
  readonly iceParameters: OpaqueJson;
  readonly iceCandidates: readonly OpaqueJson[];
  readonly dtlsParameters: OpaqueJson;
}

/** Microphone audio, or camera video (up to three simulcast encodings). */
export type MediaKind = "audio" | "video";

/** What a client needs to receive one producer (mediasoup-client's `ConsumerOptions`). */
export interface ConsumerOptions {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: OpaqueJson;
}

/**
 * A simulcast layer: `spatialLayer` indexes the encodings from the lowest resolution (0) up, `temporalLayer` the
 * frame rates within one (0 is the lowest).
 */
export interface Layers {
  readonly spatialLayer: number;
  readonly temporalLayer: number;
}

/** How one consumer fares, from the SFU's sending side. */
export interface ConsumerQuality {
  /** mediasoup's 0–10 score of the stream sent to the consumer (10 is perfect). */
  readonly score: number;
  /** The score of the producer's stream it forwards (for simulcast: of the layer being forwarded). */
  readonly producerScore: number;
  /** The layers being forwarded now (video only; null while none is, or for audio). */
  readonly layers: Layers | null;
  /** The layers the client asked for (video only). */
  readonly preferredLayers: Layers | null;
}

/** How well one participant's audio reaches the SFU, from the receiving side of its producer. */
export interface StreamQuality {
  /** mediasoup's 0–10 score of the incoming stream (10 is perfect). */
  readonly score: number;
  /** Fraction of packets lost, 0–1, over the last report period. */
  readonly packetLoss: number;
  /** Interarrival jitter in milliseconds. */
  readonly jitterMs: number;
  /** Incoming bitrate in bits per second. */
  readonly bitrate: number;
  /** Packets received so far. */
  readonly packets: number;
}

export interface SfuStatus {
  /** `ready`: rooms can open; `unavailable`: no worker could be started (detail says why). */
  readonly state: "starting" | "ready" | "unavailable";
  readonly workers: number;
  readonly rooms: number;
  readonly detail?: string;
}

/** One voice channel's router on one worker. Closing it closes every transport, producer and consumer in it. */
export interface SfuRoom {
  readonly id: string;
  /** The router's RTP capabilities: the client loads its device with them. */
  readonly rtpCapabilities: OpaqueJson;
  /** A WebRTC transport (UDP preferred, TCP allowed) on the configured port range and announced address. */
  createTransport(direction: "send" | "recv"): Promise<TransportOptions>;
  connectTransport(transportId: string, dtlsParameters: OpaqueJson): Promise<void>;
  /**
   * Starts receiving audio or camera video on a send transport; resolves with the producer id. Throws TypeError on
   * parameters out of the room's limits (encodings, bitrates, RTP ranges) and the SFU's own refusals.
   */
  produce(transportId: string, kind: MediaKind, rtpParameters: OpaqueJson): Promise<string>;
  /** Whether a client with these capabilities can receive that producer. */
  canConsume(producerId: string, rtpCapabilities: OpaqueJson): boolean;
  /** A consumer of `producerId` on a receive transport; it starts paused (the client resumes it when ready). */
  consume(transportId: string, producerId: string, rtpCapabilities: OpaqueJson): Promise<ConsumerOptions>;
  setProducerPaused(producerId: string, paused: boolean): Promise<void>;
  setConsumerPaused(consumerId: string, paused: boolean): Promise<void>;
  /**
   * The highest layers a video consumer may forward; the SFU forwards the best layers at or below them that its
   * bandwidth estimate of the consumer's downlink allows (no-op for audio).
   */
  setConsumerPreferredLayers(consumerId: string, layers: { spatialLayer: number; temporalLayer?: number }): Promise<void>;
  closeTransport(transportId: string): void;
  closeProducer(producerId: string): void;
  /** Quality of the media a producer receives (for simulcast: its layers together), or null when it is gone. */
  producerQuality(producerId: string): Promise<StreamQuality | null>;
  /** Score and layers of a consumer, or null when it is gone. */
  consumerQuality(consumerId: string): ConsumerQuality | null;
  /** Speaking starts and stops per producer (from an audio-level observer on the router). */
  onSpeaking(listener: (producerId: string, speaking: boolean) => void): void;
  /** A consumer closed by the SFU itself (its producer or transport went away). */
  onConsumerClosed(listener: (consumerId: string) => void): void;
  /** A video consumer's forwarded layers changed (bandwidth estimate, preferred layers, the producer's layers); null: none. */
  onConsumerLayersChanged(listener: (consumerId: string, layers: Layers | null) => void): void;
  close(): void;
  readonly closed: boolean;
}

/** The SFU: workers, and rooms placed on the least-loaded one. */
export interface Sfu {
  status(): SfuStatus;
  /** Opens a room (a router on the least-loaded worker). Throws `SfuUnavailableError` when no worker runs. */
  openRoom(roomId: string): Promise<SfuRoom>;
  /**
   * A worker died: its rooms are gone (the SFU restarts the worker). Listeners tell the room's clients to
   * reconnect, which opens the room again on a live worker.
   */
  onRoomLost(listener: (roomId: string) => void): void;
  close(): Promise<void>;
}

export class SfuUnavailableError extends Error {
  override readonly name = "SfuUnavailableError";
}
