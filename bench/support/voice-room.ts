/**
 * The mediasoup side of `bench voice`: one worker and a router set up as XCord sets up a voice room, a producer fed
 * over a comedia PlainTransport, and consumers each on their own PlainTransport, with SRTP like a WebRTC transport.
 */
import { randomBytes } from "node:crypto";
import * as mediasoup from "mediasoup";
import type { types } from "mediasoup";
import { AUDIO_LEVELS, OPUS as ROOM_OPUS } from "../../src/shared/infrastructure/sfu/mediasoup-room";
import { workerBinaryProblem } from "../../src/shared/infrastructure/sfu/worker-binary";
import { onCleanup } from "./processes";
import { progress } from "./report";
import { AUDIO_LEVEL_EXTENSION, OPUS, PAYLOAD_TYPE, SSRC } from "./voice-rtp";

/** Ports below Linux's ephemeral range, so the receiver's and other programs' sockets never take them. */
export const PORT_RANGE = { min: 20000, max: 29999 };
/** SRTP master key + salt lengths (RFC 3711, RFC 7714). */
export const SRTP_KEY_BYTES: Record<types.SrtpCryptoSuite, number> = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
};

/** The worker and a router set up as XCord sets up a voice room. */
export const startRouter = async () => {
  const problem = workerBinaryProblem(mediasoup.workerBin);
  if (problem) throw new Error(problem);
  const worker = await mediasoup.createWorker({ logLevel: "warn" });
  onCleanup(async () => worker.close());
  const router = await worker.createRouter({ mediaCodecs: [ROOM_OPUS] });
  const audioLevels = await router.createAudioLevelObserver(AUDIO_LEVELS);
  return { worker, router, audioLevels };
};

const listenInfo: types.TransportListenInfo = { protocol: "udp", ip: "127.0.0.1", portRange: PORT_RANGE };

/** The producer on a comedia PlainTransport: it learns our address from the first packet. */
export const startProducer = async (router: types.Router, audioLevels: types.AudioLevelObserver) => {
  const transport = await router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true });
  const producer = await transport.produce({
    kind: "audio",
    rtpParameters: {
      codecs: [{ ...OPUS, payloadType: PAYLOAD_TYPE }],
      headerExtensions: [AUDIO_LEVEL_EXTENSION],
      encodings: [{ ssrc: SSRC }],
      rtcp: { cname: "bench" },
    },
  });
  await audioLevels.addProducer({ producerId: producer.id });
  return { producer, port: transport.tuple.localPort };
};

export interface BenchConsumer {
  readonly ssrc: number;
  readonly transport: types.PlainTransport;
}

/** Adds consumers of `producer` until there are `target`, each on its own SRTP PlainTransport, in parallel batches. */
export const addConsumers = async (
  router: types.Router,
  producer: types.Producer,
  ports: number[],
  consumers: BenchConsumer[],
  target: number,
  srtp: types.SrtpCryptoSuite | undefined,
) => {
  const addOne = async (index: number) => {
    const transport = await router.createPlainTransport({ listenInfo, rtcpMux: true, enableSrtp: srtp !== undefined, srtpCryptoSuite: srtp });
    const srtpParameters = srtp && { cryptoSuite: srtp, keyBase64: randomBytes(SRTP_KEY_BYTES[srtp]).toString("base64") };
    await transport.connect({ ip: "127.0.0.1", port: ports[index % ports.length]!, srtpParameters });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    consumers.push({ ssrc: consumer.rtpParameters.encodings![0]!.ssrc!, transport });
  };
  while (consumers.length < target) {
    const batch = Math.min(50, target - consumers.length);
    await Promise.all(Array.from({ length: batch }, (_, i) => addOne(consumers.length + i)));
    progress("voice", `consumers ${consumers.length}/${target}`);
  }
};

/** Closes the newest consumers' transports until `target` remain (refining steps go down as well as up). */
export const removeConsumers = (consumers: BenchConsumer[], target: number) => {
  while (consumers.length > target) consumers.pop()!.transport.close();
};
