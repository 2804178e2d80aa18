/**
 * The Sfu port on the real mediasoup worker (the test command builds it first, so it is never skipped).
 * No media flows here: transports get parameters, never ICE/DTLS peers; packet-level behaviour is `bun run bench voice`.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import pino from "pino";
import { type OpaqueJson, SfuUnavailableError } from "../../src/domains/voice/domain/sfu";
import { createMetrics } from "../../src/shared/infrastructure/metrics";
import { createMediasoupSfu, type MediasoupSfu, type MediasoupSfuOptions } from "../../src/shared/infrastructure/sfu/mediasoup-sfu";
import { waitFor } from "../support/server";

const PORTS = { rtcMinPort: 47000, rtcMaxPort: 47999 };

/** What mediasoup-client sends for a microphone: Opus with the audio-level extension, one SSRC. */
const OPUS_PARAMETERS: OpaqueJson = {
  mid: "0",
  codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [{ uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level", id: 1 }],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: "test", reducedSize: true },
};

/** What mediasoup-client sends for a camera with three simulcast layers (SSRC-signalled here; browsers use rids). */
const VP8_SIMULCAST: OpaqueJson = {
  mid: "1",
  codecs: [{ mimeType: "video/VP8", payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: "nack" }, { type: "ccm", parameter: "fir" }] }],
  headerExtensions: [{ uri: "urn:ietf:params:rtp-hdrext:sdes:mid", id: 4 }],
  encodings: [
    { ssrc: 2001, scalabilityMode: "L1T3", maxBitrate: 150_000 },
    { ssrc: 2002, scalabilityMode: "L1T3", maxBitrate: 500_000 },
    { ssrc: 2003, scalabilityMode: "L1T3", maxBitrate: 1_200_000 },
  ],
  rtcp: { cname: "test", reducedSize: true },
};

const DTLS_CLIENT: OpaqueJson = {
  role: "client",
  fingerprints: [{ algorithm: "sha-256", value: Array.from({ length: 32 }, () => "AB").join(":") }],
};

const started: MediasoupSfu[] = [];

/** A started SFU whose log lines are kept in `logs`. */
const startSfu = async (overrides: Partial<MediasoupSfuOptions> = {}) => {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const sfu = createMediasoupSfu({ workers: 1, listenIp: "127.0.0.1", ...PORTS, logger: pino({ level: "debug" }, destination), ...overrides });
  started.push(sfu);
  await sfu.start();
  return { sfu, logs };
};

afterEach(async () => {
  for (const sfu of started.splice(0)) await sfu.close();
});

describe("Sfu contract (mediasoup)", () => {
  test("a room offers Opus 48 kHz stereo and is counted until it closes", async () => {
    const { sfu } = await startSfu();
    expect(sfu.status()).toEqual({ state: "ready", workers: 1, rooms: 0 });
    const room = await sfu.openRoom("room-1");
    const codecs = room.rtpCapabilities.codecs as Array<Record<string, unknown>>;
    expect(codecs).toContainEqual(expect.objectContaining({ kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 }));
    expect(sfu.status().rooms).toBe(1);
    expect(await sfu.openRoom("room-1")).toBe(room);
    room.close();
    expect(room.closed).toBe(true);
    expect(sfu.status()).toEqual({ state: "ready", workers: 1, rooms: 0 });
    expect(await sfu.openRoom("room-1")).not.toBe(room);
  });

  test("transports carry ICE and DTLS parameters on the port range and announced address, and connect", async () => {
    const { sfu, logs } = await startSfu({ listenIp: "0.0.0.0" });
    expect(logs.some((line) => line.includes("voice announces loopback") && line.includes("MEDIASOUP_ANNOUNCED_ADDRESS"))).toBe(true);
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    expect(send.id).toBeString();
    expect(send.iceParameters).toMatchObject({ usernameFragment: expect.any(String), password: expect.any(String), iceLite: true });
    expect((send.dtlsParameters.fingerprints as unknown[]).length).toBeGreaterThan(0);
    const candidates = send.iceCandidates as Array<{ protocol: string; address: string; port: number }>;
    expect(candidates.map((candidate) => candidate.protocol).sort()).toEqual(["tcp", "udp"]);
    for (const candidate of candidates) {
      expect(candidate.address).toBe("127.0.0.1");
      expect(candidate.port).toBeWithin(PORTS.rtcMinPort, PORTS.rtcMaxPort + 1);
    }
    expect(candidates.find((candidate) => candidate.protocol === "udp")).toEqual(expect.objectContaining({ priority: expect.any(Number) }));
    await room.connectTransport(send.id, DTLS_CLIENT);
    await expect(room.connectTransport(send.id, { role: "client", fingerprints: "nope" })).rejects.toThrow();
    await expect(room.connectTransport("no-such-transport", DTLS_CLIENT)).rejects.toThrow("unknown transport");
  });

  test("an announced address is what clients are told", async () => {
    const { sfu } = await startSfu({ listenIp: "127.0.0.1", announcedAddress: "voice.example.test" });
    const room = await sfu.openRoom("room-1");
    const { iceCandidates } = await room.createTransport("recv");
    expect(iceCandidates.map((candidate) => candidate.address)).toEqual(["voice.example.test", "voice.example.test"]);
  });

  test("bad client parameters reject, and the worker survives them", async () => {
    const { sfu } = await startSfu();
    const pids = sfu.workerPids();
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    const recv = await room.createTransport("recv");
    const bad: unknown[] = [
      null,
      [],
      {},
      { codecs: "opus" },
      { codecs: [{ mimeType: "video/VP8", payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 1 }] },
      { ...OPUS_PARAMETERS, codecs: [{ mimeType: "audio/opus", payloadType: 9999, clockRate: 48000, channels: 2 }] },
      { ...OPUS_PARAMETERS, encodings: [{ ssrc: -5 }] },
      { ...OPUS_PARAMETERS, headerExtensions: [{ uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level", id: 99999 }] },
      { ...OPUS_PARAMETERS, rtcp: { cname: 42 } },
      { ...OPUS_PARAMETERS, encodings: [{ ssrc: 2 ** 32 }] },
      { ...OPUS_PARAMETERS, mid: "m".repeat(10_000) },
      { ...OPUS_PARAMETERS, encodings: [{ ssrc: 1, rid: "r0" }, { ssrc: 2, rid: "r1" }] },
    ];
    for (const rtpParameters of bad) {
      await expect(room.produce(send.id, "audio", rtpParameters as OpaqueJson)).rejects.toThrow();
    }
    await expect(room.produce(recv.id, "audio", OPUS_PARAMETERS)).rejects.toThrow("not a send transport");
    await expect(room.connectTransport(send.id, null as unknown as OpaqueJson)).rejects.toThrow(TypeError);
    expect(await room.produce(send.id, "audio", OPUS_PARAMETERS)).toBeString();
    expect(sfu.workerPids()).toEqual(pids);
    expect(sfu.status().state).toBe("ready");
  });

  test("consumers start paused, follow their producer, and report it closing", async () => {
    const { sfu } = await startSfu();
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    const recv = await room.createTransport("recv");
    const producerId = await room.produce(send.id, "audio", OPUS_PARAMETERS);
    expect(room.canConsume(producerId, room.rtpCapabilities)).toBe(true);
    expect(room.canConsume(producerId, { codecs: "nope" })).toBe(false);
    expect(room.canConsume("no-such-producer", room.rtpCapabilities)).toBe(false);
    await expect(room.consume(send.id, producerId, room.rtpCapabilities)).rejects.toThrow("not a recv transport");
    await expect(room.consume(recv.id, producerId, { codecs: [] })).rejects.toThrow(TypeError);

    const consumer = await room.consume(recv.id, producerId, room.rtpCapabilities);
    expect(consumer.id).toBeString();
    expect([consumer.producerId, consumer.kind]).toEqual([producerId, "audio"]);
    expect((consumer.rtpParameters.codecs as Array<{ mimeType: string }>)[0]?.mimeType).toBe("audio/opus");
    await room.setConsumerPaused(consumer.id, false);
    await room.setConsumerPaused(consumer.id, true);
    await room.setProducerPaused(producerId, true);
    await room.setProducerPaused(producerId, false);
    await expect(room.setConsumerPaused("no-such-consumer", false)).rejects.toThrow("unknown consumer");

    const closed: string[] = [];
    room.onConsumerClosed((consumerId) => closed.push(consumerId));
    room.closeProducer(producerId);
    await waitFor(() => closed.length > 0, { what: "consumer closed" });
    expect(closed).toEqual([consumer.id]);
  });

  test("a room offers VP8 and H.264 (packetization mode 1, 42e01f) for camera video", async () => {
    const { sfu } = await startSfu();
    const room = await sfu.openRoom("room-1");
    const codecs = room.rtpCapabilities.codecs as Array<Record<string, unknown>>;
    expect(codecs).toContainEqual(expect.objectContaining({ kind: "video", mimeType: "video/VP8", clockRate: 90000 }));
    expect(codecs).toContainEqual(
      expect.objectContaining({ kind: "video", mimeType: "video/H264", parameters: expect.objectContaining({ "packetization-mode": 1, "profile-level-id": "42e01f" }) }),
    );
  });

  test("simulcast video: three layers in, a video consumer preferring the highest, layers the client can lower", async () => {
    const { sfu } = await startSfu();
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    const recv = await room.createTransport("recv");
    const encodings = VP8_SIMULCAST.encodings as OpaqueJson[];
    await expect(room.produce(send.id, "video", { ...VP8_SIMULCAST, encodings: [...encodings, { ssrc: 2004 }] })).rejects.toThrow("at most 3 encodings");
    await expect(room.produce(send.id, "video", { ...VP8_SIMULCAST, encodings: [{ ssrc: 2001, maxBitrate: 9_000_000 }] })).rejects.toThrow("maxBitrate");
    await expect(room.produce(send.id, "audio", VP8_SIMULCAST)).rejects.toThrow();
    const producerId = await room.produce(send.id, "video", VP8_SIMULCAST);
    const consumer = await room.consume(recv.id, producerId, room.rtpCapabilities);
    expect(consumer.kind).toBe("video");
    expect((consumer.rtpParameters.codecs as Array<{ mimeType: string }>)[0]?.mimeType).toBe("video/VP8");
    expect(room.consumerQuality(consumer.id)).toMatchObject({ layers: null, preferredLayers: { spatialLayer: 2, temporalLayer: 2 } });
    await room.setConsumerPreferredLayers(consumer.id, { spatialLayer: 0, temporalLayer: 1 });
    expect(room.consumerQuality(consumer.id)?.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    await room.setConsumerPreferredLayers(consumer.id, { spatialLayer: 5 });
    expect(room.consumerQuality(consumer.id)?.preferredLayers?.spatialLayer).toBe(2); // clamped to the producer's layers
    expect(room.consumerQuality("no-such-consumer")).toBeNull();
    await expect(room.setConsumerPreferredLayers("no-such-consumer", { spatialLayer: 0 })).rejects.toThrow("unknown consumer");
  });

  test("producer quality is zero before media and null once the producer is gone", async () => {
    const { sfu } = await startSfu();
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    const producerId = await room.produce(send.id, "audio", OPUS_PARAMETERS);
    expect(await room.producerQuality(producerId)).toEqual({ score: 0, packetLoss: 0, jitterMs: 0, bitrate: 0, packets: 0 });
    room.closeTransport(send.id);
    expect(await room.producerQuality(producerId)).toBeNull();
    expect(await room.producerQuality("no-such-producer")).toBeNull();
  });

  test("closing the room closes its consumers without reporting each, and later calls say the room is closed", async () => {
    const { sfu } = await startSfu();
    const room = await sfu.openRoom("room-1");
    const send = await room.createTransport("send");
    const recv = await room.createTransport("recv");
    await room.consume(recv.id, await room.produce(send.id, "audio", OPUS_PARAMETERS), room.rtpCapabilities);
    const closed: string[] = [];
    room.onConsumerClosed((consumerId) => closed.push(consumerId));
    room.close();
    expect(closed).toEqual([]);
    await expect(room.createTransport("send")).rejects.toBeInstanceOf(SfuUnavailableError);
  });

  test("rooms go to the least-loaded of two workers", async () => {
    const { sfu } = await startSfu({ workers: 2 });
    expect(sfu.status()).toEqual({ state: "ready", workers: 2, rooms: 0 });
    const [first, second] = sfu.workerPids();
    const a = await sfu.openRoom("a");
    const b = await sfu.openRoom("b");
    expect([a.workerPid, b.workerPid]).toEqual([first!, second!]);
    const send = await a.createTransport("send");
    await a.produce(send.id, "audio", OPUS_PARAMETERS); // a: router + producer = 2
    b.close();
    const c = await sfu.openRoom("c"); // 2 vs 0
    const d = await sfu.openRoom("d"); // 2 vs 1
    expect([c.workerPid, d.workerPid]).toEqual([second!, second!]);
    const e = await sfu.openRoom("e"); // 2 vs 2: the first worker
    expect(e.workerPid).toBe(first!);
  });

  test("a killed worker loses its rooms, is restarted, and takes new rooms", async () => {
    const metrics = createMetrics();
    const { sfu, logs } = await startSfu({ workers: 2, metrics });
    const lost: string[] = [];
    sfu.onRoomLost((roomId) => lost.push(roomId));
    const a = await sfu.openRoom("a");
    const b = await sfu.openRoom("b");
    const victim = a.workerPid;

    process.kill(victim, "SIGKILL");
    await waitFor(() => lost.length > 0, { what: "room lost" });
    expect(lost).toEqual(["a"]);
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(logs.some((line) => line.includes("mediasoup worker died"))).toBe(true);

    await waitFor(() => sfu.status().workers === 2, { what: "worker restarted", timeoutMs: 10_000 });
    expect(sfu.status()).toEqual({ state: "ready", workers: 2, rooms: 1 });
    expect(sfu.workerPids()).not.toContain(victim);
    const again = await sfu.openRoom("a");
    expect(again.workerPid).not.toBe(b.workerPid); // the fresh worker is the least loaded
    await again.createTransport("send");
    const text = await metrics.render();
    expect(text).toContain("xcord_voice_worker_restarts_total 1");
    expect(text).toContain("xcord_voice_workers 2");
    expect(text).toContain("xcord_voice_rooms 2");
  });

  test("closing rooms and the SFU itself reports no room lost", async () => {
    const { sfu } = await startSfu({ workers: 2 });
    const lost: string[] = [];
    sfu.onRoomLost((roomId) => lost.push(roomId));
    (await sfu.openRoom("a")).close();
    const b = await sfu.openRoom("b");
    await sfu.close();
    expect(b.closed).toBe(true);
    expect(lost).toEqual([]);
    expect(sfu.status()).toEqual({ state: "unavailable", workers: 0, rooms: 0, detail: "closed" });
    await expect(sfu.openRoom("c")).rejects.toBeInstanceOf(SfuUnavailableError);
  });

  test("without a worker binary voice is unavailable with a clear reason, and start() does not throw", async () => {
    const { sfu } = await startSfu({ workerBin: "/nonexistent/mediasoup-worker" });
    expect(sfu.status()).toEqual({
      state: "unavailable",
      workers: 0,
      rooms: 0,
      detail: "mediasoup worker not built (no /nonexistent/mediasoup-worker): run scripts/mediasoup/build-worker.sh",
    });
    await expect(sfu.openRoom("room-1")).rejects.toBeInstanceOf(SfuUnavailableError);
  });

  test("a worker binary that cannot run leaves voice unavailable", async () => {
    const { sfu } = await startSfu({ workerBin: "/bin/false" });
    expect(sfu.status()).toMatchObject({ state: "unavailable", workers: 0, detail: expect.stringContaining("failed to start") });
  });

  test("MEDIASOUP_WORKERS=0 turns voice off", async () => {
    const { sfu } = await startSfu({ workers: 0 });
    expect(sfu.status()).toEqual({ state: "unavailable", workers: 0, rooms: 0, detail: "MEDIASOUP_WORKERS=0" });
  });
});
