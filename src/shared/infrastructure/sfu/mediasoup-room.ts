import type { types } from "mediasoup";
import {
  type ConsumerOptions,
  type Layers,
  type MediaKind,
  type OpaqueJson,
  type SfuRoom,
  SfuUnavailableError,
  type StreamQuality,
  type TransportOptions,
} from "../../../domains/voice/domain/sfu";
import type { Logger } from "../logger";
import { createListenerSet } from "./listener-set";
import { MAX_INCOMING_BITRATE, checkCodecKinds, checkEncodings, checkRtpParameterRanges } from "./rtp-parameters-check";
import { createSpeakingDetector } from "./speaking-detector";
import { consumerQualityOf, streamQualityFromStats } from "./stream-quality";

/** The audio codec of a voice room: Opus, 48 kHz stereo, as every WebRTC browser sends it. */
export const OPUS: types.RouterRtpCodecCapability = { kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 };
/** Camera video: VP8, which every WebRTC browser sends and decodes in software, simulcast included. */
export const VP8: types.RouterRtpCodecCapability = { kind: "video", mimeType: "video/VP8", clockRate: 90000 };
/** And H.264 Constrained Baseline 3.1 (packetization mode 1): the profile browsers decode in hardware. */
export const H264: types.RouterRtpCodecCapability = {
  kind: "video",
  mimeType: "video/H264",
  clockRate: 90000,
  parameters: { "packetization-mode": 1, "profile-level-id": "42e01f", "level-asymmetry-allowed": 1 },
};
/** The router's codecs, in order of preference for consumers. */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [OPUS, VP8, H264];

/** Audio-level reports every 250 ms (snappy indicators), for every producer louder than -60 dBov (above room noise). */
export const AUDIO_LEVELS: types.AudioLevelObserverOptions = { interval: 250, threshold: -60, maxEntries: 64 };

/** A speaker stays "speaking" through pauses shorter than this. */
const SPEAKING_HOLD_MS = 1000;

/** A room on a mediasoup router; `workerPid` and `load` let the SFU place rooms and tests find them. */
export interface MediasoupRoom extends SfuRoom {
  readonly workerPid: number;
  /** Placement weight: one for the router, plus one per producer and consumer. */
  readonly load: number;
}

export interface RoomSettings {
  readonly listenInfos: types.TransportListenInfo[];
  readonly logger: Logger;
  /** Called with each quality sample of a stream that carries media. */
  readonly observeQuality?: (quality: StreamQuality) => void;
  /** Called once when the router closes: by `close()`, with its worker, or because its worker died. */
  readonly onClose: (room: MediasoupRoom, workerDied: boolean) => void;
}

type Direction = "send" | "recv";

interface RoomTransport {
  readonly transport: types.WebRtcTransport;
  readonly direction: Direction;
}

/** Opens a router with Opus, VP8 and H.264 and an audio-level observer on `worker`, and wraps them as a room. */
export const openMediasoupRoom = async (id: string, worker: types.Worker, settings: RoomSettings): Promise<MediasoupRoom> => {
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { roomId: id } });
  try {
    const audioLevels = await router.createAudioLevelObserver(AUDIO_LEVELS);
    return createRoom(id, worker, router, audioLevels, settings);
  } catch (error) {
    router.close();
    throw error;
  }
};

/** Client JSON must at least be an object before it reaches mediasoup's own validation. */
const requireObject = (value: OpaqueJson, what: string): void => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`${what} must be an object`);
};

const createRoom = (
  id: string,
  worker: types.Worker,
  router: types.Router,
  audioLevels: types.AudioLevelObserver,
  settings: RoomSettings,
): MediasoupRoom => {
  const transports = new Map<string, RoomTransport>();
  const producers = new Map<string, types.Producer>();
  const consumers = new Map<string, types.Consumer>();
  const speakingListeners = createListenerSet<[string, boolean]>("speaking", settings.logger);
  const consumerClosedListeners = createListenerSet<[string]>("consumerClosed", settings.logger);
  const layersListeners = createListenerSet<[string, Layers | null]>("consumerLayersChanged", settings.logger);
  const speaking = createSpeakingDetector({ holdMs: SPEAKING_HOLD_MS, emit: speakingListeners.emit });

  audioLevels.on("volumes", (volumes) => speaking.heard(volumes.map((volume) => volume.producer.id)));

  const assertOpen = () => {
    if (router.closed) throw new SfuUnavailableError(`voice room ${id} is closed`);
  };

  const transportFor = (transportId: string, direction?: Direction): types.WebRtcTransport => {
    assertOpen();
    const entry = transports.get(transportId);
    if (!entry) throw new Error(`unknown transport ${transportId}`);
    if (direction && entry.direction !== direction) throw new Error(`transport ${transportId} is not a ${direction} transport`);
    return entry.transport;
  };

  const producerFor = (producerId: string): types.Producer => {
    const producer = producers.get(producerId);
    if (!producer) throw new Error(`unknown producer ${producerId}`);
    return producer;
  };

  const consumerFor = (consumerId: string): types.Consumer => {
    const consumer = consumers.get(consumerId);
    if (!consumer) throw new Error(`unknown consumer ${consumerId}`);
    return consumer;
  };

  const track = <T extends { id: string; observer: { once(event: "close", listener: () => void): unknown } }>(
    map: Map<string, T>,
    item: T,
    onClose?: () => void,
  ) => {
    map.set(item.id, item);
    item.observer.once("close", () => {
      map.delete(item.id);
      onClose?.();
    });
  };

  /** Reports consumers whose producer or transport went away, but not those a closing room takes along (its closer knows). */
  const reportConsumerClosed = (consumerId: string) => {
    if (!router.closed) consumerClosedListeners.emit(consumerId);
  };

  const room: MediasoupRoom = {
    id,
    workerPid: worker.pid,
    rtpCapabilities: router.rtpCapabilities as OpaqueJson,
    get load() {
      return 1 + producers.size + consumers.size;
    },
    get closed() {
      return router.closed;
    },

    async createTransport(direction) {
      assertOpen();
      if (direction !== "send" && direction !== "recv") throw new TypeError("direction must be send or recv");
      const transport = await router.createWebRtcTransport({ listenInfos: settings.listenInfos, preferUdp: true });
      transports.set(transport.id, { transport, direction });
      if (direction === "send") await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE);
      transport.observer.once("close", () => transports.delete(transport.id));
      return transportOptions(transport);
    },

    async connectTransport(transportId, dtlsParameters) {
      requireObject(dtlsParameters, "dtlsParameters");
      await transportFor(transportId).connect({ dtlsParameters: dtlsParameters as unknown as types.DtlsParameters });
    },

    async produce(transportId, kind, rtpParameters) {
      if (kind !== "audio" && kind !== "video") throw new TypeError("kind must be audio or video");
      requireObject(rtpParameters, "rtpParameters");
      checkRtpParameterRanges(rtpParameters);
      checkCodecKinds(kind, rtpParameters);
      checkEncodings(kind, rtpParameters);
      const transport = transportFor(transportId, "send");
      const producer = await transport.produce({ kind, rtpParameters: rtpParameters as unknown as types.RtpParameters });
      if (kind === "video") {
        track(producers, producer);
        return producer.id;
      }
      track(producers, producer, () => speaking.forget(producer.id));
      await audioLevels.addProducer({ producerId: producer.id }).catch((error: unknown) => {
        settings.logger.warn({ err: error, roomId: id }, "voice producer not added to the audio-level observer");
      });
      return producer.id;
    },

    canConsume(producerId, rtpCapabilities) {
      if (router.closed || typeof rtpCapabilities !== "object" || rtpCapabilities === null) return false;
      return router.canConsume({ producerId, rtpCapabilities: rtpCapabilities as unknown as types.RtpCapabilities });
    },

    async consume(transportId, producerId, rtpCapabilities) {
      const transport = transportFor(transportId, "recv");
      if (!room.canConsume(producerId, rtpCapabilities)) throw new TypeError(`cannot consume producer ${producerId} with these RTP capabilities`);
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: rtpCapabilities as unknown as types.RtpCapabilities,
        paused: true,
      });
      track(consumers, consumer);
      consumer.on("producerclose", () => reportConsumerClosed(consumer.id));
      consumer.on("transportclose", () => reportConsumerClosed(consumer.id));
      // Simulcast: mediasoup starts at the layer its estimate of the receiver's downlink allows and moves up to the
      // preferred layers (by default the highest) as the estimate grows, down when it shrinks.
      consumer.on("layerschange", (layers) => {
        layersListeners.emit(consumer.id, layers ? { spatialLayer: layers.spatialLayer, temporalLayer: layers.temporalLayer ?? 0 } : null);
      });
      const kind: MediaKind = consumer.kind;
      return { id: consumer.id, producerId, kind, rtpParameters: consumer.rtpParameters as unknown as OpaqueJson } satisfies ConsumerOptions;
    },

    async setProducerPaused(producerId, paused) {
      const producer = producerFor(producerId);
      if (paused) {
        await producer.pause();
        speaking.forget(producerId);
      } else {
        await producer.resume();
      }
    },

    async setConsumerPaused(consumerId, paused) {
      const consumer = consumerFor(consumerId);
      await (paused ? consumer.pause() : consumer.resume());
    },

    async setConsumerPreferredLayers(consumerId, layers) {
      const consumer = consumerFor(consumerId);
      if (consumer.kind !== "video") return;
      await consumer.setPreferredLayers(layers);
    },

    consumerQuality(consumerId) {
      const consumer = consumers.get(consumerId);
      return consumer && !consumer.closed ? consumerQualityOf(consumer) : null;
    },

    closeTransport(transportId) {
      transports.get(transportId)?.transport.close();
    },

    closeProducer(producerId) {
      producers.get(producerId)?.close();
    },

    async producerQuality(producerId) {
      const producer = producers.get(producerId);
      if (!producer || producer.closed) return null;
      const stats = await producer.getStats().catch((error: unknown) => {
        if (producer.closed) return null; // closed while the request was in flight
        throw error;
      });
      if (!stats) return null;
      const quality = streamQualityFromStats(stats, producer.rtpParameters.codecs[0]?.clockRate ?? OPUS.clockRate);
      if (quality.packets > 0) settings.observeQuality?.(quality);
      return quality;
    },

    onSpeaking: speakingListeners.add,
    onConsumerClosed: consumerClosedListeners.add,
    onConsumerLayersChanged: layersListeners.add,

    close() {
      router.close();
    },
  };

  router.observer.once("close", () => {
    speaking.dispose();
    settings.onClose(room, worker.died);
  });
  return room;
};

/** The transport fields mediasoup-client's `Transport` needs, as plain JSON. */
const transportOptions = (transport: types.WebRtcTransport): TransportOptions => ({
  id: transport.id,
  iceParameters: transport.iceParameters as unknown as OpaqueJson,
  iceCandidates: transport.iceCandidates as unknown as OpaqueJson[],
  dtlsParameters: transport.dtlsParameters as unknown as OpaqueJson,
});
