/**
 * A voice client that runs in a real browser page (bundled with `Bun.build({ target: "browser" })`): it joins a
 * voice channel the way docs/voice.md describes, through the gateway (op 4) and the signaling socket, with
 * mediasoup-client on top of Chromium's WebRTC. Tests drive it through `window.xcordVoice` (see `VoicePageApi`).
 */
import { Device } from "mediasoup-client";
import type { Consumer, Producer, RtpCapabilities, RtpEncodingParameters, Transport } from "mediasoup-client/types";
import { Gateway, Signaling, type SignalingError, SignalingRefusal } from "./sockets";

/** What a test passes to `join`. */
export interface JoinOptions {
  readonly gatewayUrl: string;
  readonly token: string;
  readonly guildId: string;
  readonly channelId: string;
}

/** A camera to start: the capture size and the simulcast encodings (lowest resolution first). */
export interface CameraOptions {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly encodings: RtpEncodingParameters[];
}

/** What this page decodes of one user's camera (inbound-rtp video of its consumer). */
export interface InboundVideo {
  readonly consumerId: string;
  readonly framesDecoded: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
}

/** What this page's camera sends, per simulcast encoding (outbound-rtp video), by rid. */
export interface OutboundVideo {
  readonly rid: string;
  readonly frameWidth: number;
  readonly framesEncoded: number;
}

/** One thing the page saw: a signaling notification, a gateway dispatch it cares about, or a socket closing. */
export interface VoicePageEvent {
  readonly at: number;
  readonly source: "signaling" | "gateway" | "client";
  readonly name: string;
  readonly data: any;
}

/** The functions the page exposes on `window.xcordVoice`; every one is JSON in, JSON out for `page.evaluate`. */
export interface VoicePageApi {
  /** Joins through gateway and signaling, produces the microphone and asks to consume; resolves with ids. */
  join(options: JoinOptions): Promise<{ userId: string; sessionId: string; producerId: string }>;
  /** Captures the fake camera and produces it (kind video) with these encodings; resolves with the producer id. */
  startCamera(options: CameraOptions): Promise<{ producerId: string }>;
  /** Closes the camera's producer and tells the server (close_producer). */
  stopCamera(): Promise<void>;
  /** The video this page decodes from `userId`'s camera, or null when it has no video consumer of theirs. */
  inboundVideo(userId: string): Promise<InboundVideo | null>;
  /** What this page's camera sends, per encoding. */
  outboundVideo(): Promise<OutboundVideo[]>;
  /** Sends op 4 again for the same channel: only `self_mute` / `self_deaf` change. */
  updateSelf(state: { selfMute: boolean; selfDeaf: boolean }): void;
  /**
   * Sends a raw signaling request; resolves with its answer or its refusal (the server's error object, or just a
   * message when there was no answer), never rejects.
   */
  request(method: string, data: unknown): Promise<{ ok: true; data: unknown } | { ok: false; error: SignalingError | { message: string } }>;
  /** Sends op 4 with `channel_id: null`; resolves with the signaling socket's close code. */
  leave(): Promise<{ closeCode: number | null }>;
  /** Sum of `packetsReceived` of inbound audio RTP across this page's consumers (optionally of one user only). */
  inboundAudioPackets(userId?: string): Promise<number>;
  /** Everything recorded so far. */
  events(): VoicePageEvent[];
  /** A snapshot for failure messages: transport states, consumers, errors. */
  state(): Record<string, unknown>;
  /** Closes both sockets and the transports (afterAll). */
  shutdown(): void;
}

/**
 * The few browser globals this file uses. The repo's tsconfig has no DOM lib (adding it would retype Bun's globals
 * for the server code), so they are declared here, as narrowly as they are used.
 */
interface MicrophoneTrack {
  readonly kind: string;
  stop(): void;
}
interface MediaDevices {
  getUserMedia(constraints: { audio: Record<string, boolean> }): Promise<{ getAudioTracks(): MicrophoneTrack[] }>;
  getUserMedia(constraints: { video: Record<string, number> }): Promise<{ getVideoTracks(): MicrophoneTrack[] }>;
}
/** A `<video>` element: remote video is played into one, as a client renders a tile. */
interface VideoElement {
  srcObject: unknown;
  muted: boolean;
  autoplay: boolean;
  play(): Promise<void>;
  remove(): void;
}
interface Document {
  createElement(tag: "video"): VideoElement;
  readonly body: { appendChild(element: VideoElement): void };
}
const browser = globalThis as unknown as {
  navigator: { mediaDevices: MediaDevices };
  document: Document;
  MediaStream: new (tracks: unknown[]) => unknown;
  xcordVoice: VoicePageApi;
};

/** The gateway dispatches a page records (the voice ones). */
const GATEWAY_EVENTS = new Set([
  "VOICE_STATE_UPDATE",
  "VOICE_SERVER_UPDATE",
  "VOICE_STATE_REJECTED",
  "VOICE_CALL_STARTED",
  "VOICE_CALL_ENDED",
]);

const createClient = (): VoicePageApi => {
  const recorded: VoicePageEvent[] = [];
  const record = (source: VoicePageEvent["source"], name: string, data: unknown) => recorded.push({ at: Date.now(), source, name, data });
  const consumers = new Map<string, { consumer: Consumer; userId: string; tile?: VideoElement }>();
  let gateway: Gateway | undefined;
  let signaling: Signaling | undefined;
  let device: Device | undefined;
  let sendTransport: Transport | undefined;
  let recvTransport: Transport | undefined;
  let producer: Producer | undefined;
  let joined: JoinOptions | undefined;
  let microphone: MicrophoneTrack | undefined;
  let camera: MicrophoneTrack | undefined;
  let cameraProducer: Producer | undefined;

  /** consumer_new: create the consumer on the receive transport, then ask the server to resume it. */
  const onConsumerNew = async (data: { consumer_id: string; producer_id: string; user_id: string; kind: "audio" | "video"; rtp_parameters: any }) => {
    if (!recvTransport || !signaling) throw new Error("consumer_new before the receive transport exists");
    const consumer = await recvTransport.consume({
      id: data.consumer_id,
      producerId: data.producer_id,
      kind: data.kind,
      rtpParameters: data.rtp_parameters,
    });
    // A video consumer is rendered into a <video> tile, as a client shows it.
    let tile: VideoElement | undefined;
    if (data.kind === "video") {
      tile = browser.document.createElement("video");
      tile.muted = true;
      tile.autoplay = true;
      tile.srcObject = new browser.MediaStream([consumer.track]);
      browser.document.body.appendChild(tile);
      tile.play().catch((error: unknown) => record("client", "error", { during: "video play", message: String(error) }));
    }
    consumers.set(consumer.id, { consumer, userId: data.user_id, tile });
    await signaling.request("resume_consumer", { consumer_id: consumer.id });
    record("client", "consumer_resumed", { consumer_id: consumer.id, user_id: data.user_id });
  };

  const onNotification = (event: string, data: any) => {
    record("signaling", event, data);
    if (event === "consumer_new") {
      onConsumerNew(data).catch((error: unknown) => record("client", "error", { during: "consumer_new", message: String(error) }));
    } else if (event === "consumer_closed") {
      const entry = consumers.get(data.consumer_id);
      entry?.consumer.close();
      entry?.tile?.remove();
      consumers.delete(data.consumer_id);
    }
  };

  /** The transport's `connect` and (for sending) `produce` events become signaling requests. */
  const wire = (transport: Transport, channel: Signaling) => {
    transport.on("connect", ({ dtlsParameters }, callback, errback) => {
      channel
        .request("connect_transport", { transport_id: transport.id, dtls_parameters: dtlsParameters })
        .then(() => callback(), errback);
    });
    transport.on("produce", ({ kind, rtpParameters }, callback, errback) => {
      channel
        .request<{ producer_id: string }>("produce", { transport_id: transport.id, kind, rtp_parameters: rtpParameters })
        .then(({ producer_id }) => callback({ id: producer_id }), errback);
    });
    transport.on("connectionstatechange", (state) => record("client", "transport_state", { direction: transport.direction, state }));
  };

  const join: VoicePageApi["join"] = async (options) => {
    joined = options;
    const connected = await Gateway.connect(options.gatewayUrl, options.token, (t, d) => {
      if (GATEWAY_EVENTS.has(t)) record("gateway", t, d);
    });
    gateway = connected.gateway;
    const mark = gateway.dispatches.length;
    gateway.send(4, { guild_id: options.guildId, channel_id: options.channelId, self_mute: false, self_deaf: false });
    const answer = await gateway.next(
      ({ t, d }) => (t === "VOICE_SERVER_UPDATE" && d.channel_id === options.channelId) || t === "VOICE_STATE_REJECTED",
      "VOICE_SERVER_UPDATE",
      15_000,
      mark,
    );
    if (answer.t === "VOICE_STATE_REJECTED") throw new Error(`op 4 rejected: ${JSON.stringify(answer.d)}`);
    const server = answer.d as { endpoint: string; token: string };

    signaling = await Signaling.open(server.endpoint, onNotification);
    signaling.closed.then((code) => record("client", "signaling_closed", { code }));
    type Identified = { user_id: string; rtp_capabilities: RtpCapabilities; participants: unknown[] };
    const identified = await signaling.request<Identified>("identify", { token: server.token });
    record("client", "identified", { user_id: identified.user_id, participants: identified.participants });

    device = new Device();
    await device.load({ routerRtpCapabilities: identified.rtp_capabilities });
    const sendOptions = await signaling.request("create_transport", { direction: "send" });
    sendTransport = device.createSendTransport(sendOptions.transport);
    wire(sendTransport, signaling);
    const recvOptions = await signaling.request("create_transport", { direction: "recv" });
    recvTransport = device.createRecvTransport(recvOptions.transport);
    wire(recvTransport, signaling);

    // Send the fake device's audio as captured: Chrome's noise suppression and gain control reshape it (they fade
    // a steady tone within seconds), and speaking detection should see the level the test chose.
    const stream = await browser.navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    microphone = stream.getAudioTracks()[0];
    if (!microphone) throw new Error("getUserMedia gave no audio track");
    producer = await sendTransport.produce({ track: microphone });
    await signaling.request("consume", { rtp_capabilities: device.recvRtpCapabilities });
    return { userId: identified.user_id, sessionId: connected.ready.session_id, producerId: producer.id };
  };

  const updateSelf: VoicePageApi["updateSelf"] = ({ selfMute, selfDeaf }) => {
    if (!gateway || !joined) throw new Error("not joined");
    gateway.send(4, { guild_id: joined.guildId, channel_id: joined.channelId, self_mute: selfMute, self_deaf: selfDeaf });
  };

  const leave: VoicePageApi["leave"] = async () => {
    if (!gateway || !joined) throw new Error("not joined");
    gateway.send(4, { guild_id: joined.guildId, channel_id: null, self_mute: false, self_deaf: false });
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000));
    const closeCode = signaling ? await Promise.race([signaling.closed, timeout]) : null;
    closeMedia();
    return { closeCode };
  };

  const closeMedia = () => {
    for (const { consumer, tile } of consumers.values()) {
      consumer.close();
      tile?.remove();
    }
    consumers.clear();
    producer?.close();
    cameraProducer?.close();
    camera?.stop();
    sendTransport?.close();
    recvTransport?.close();
    microphone?.stop();
  };

  const inboundAudioPackets: VoicePageApi["inboundAudioPackets"] = async (userId) => {
    let packets = 0;
    for (const { consumer, userId: from } of consumers.values()) {
      if (userId !== undefined && from !== userId) continue;
      const report = await consumer.getStats();
      report.forEach((stat: { type: string; kind?: string; packetsReceived?: number }) => {
        if (stat.type === "inbound-rtp" && stat.kind === "audio") packets += stat.packetsReceived ?? 0;
      });
    }
    return packets;
  };

  const startCamera: VoicePageApi["startCamera"] = async ({ width, height, frameRate, encodings }) => {
    if (!sendTransport) throw new Error("not joined");
    const stream = await browser.navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate } });
    camera = stream.getVideoTracks()[0];
    if (!camera) throw new Error("getUserMedia gave no video track");
    cameraProducer = await sendTransport.produce({ track: camera as never, encodings, codecOptions: { videoGoogleStartBitrate: 1000 } });
    return { producerId: cameraProducer.id };
  };

  const stopCamera: VoicePageApi["stopCamera"] = async () => {
    if (!cameraProducer || !signaling) throw new Error("no camera");
    const id = cameraProducer.id;
    cameraProducer.close();
    camera?.stop();
    cameraProducer = undefined;
    await signaling.request("close_producer", { producer_id: id });
  };

  type VideoStat = { type: string; kind?: string; framesDecoded?: number; framesEncoded?: number; frameWidth?: number; frameHeight?: number; rid?: string };

  const inboundVideo: VoicePageApi["inboundVideo"] = async (userId) => {
    for (const { consumer, userId: from } of consumers.values()) {
      if (from !== userId || consumer.kind !== "video" || consumer.closed) continue;
      let found: InboundVideo | null = null;
      (await consumer.getStats()).forEach((stat: VideoStat) => {
        if (stat.type === "inbound-rtp" && stat.kind === "video") {
          found = { consumerId: consumer.id, framesDecoded: stat.framesDecoded ?? 0, frameWidth: stat.frameWidth ?? 0, frameHeight: stat.frameHeight ?? 0 };
        }
      });
      return found ?? { consumerId: consumer.id, framesDecoded: 0, frameWidth: 0, frameHeight: 0 };
    }
    return null;
  };

  const outboundVideo: VoicePageApi["outboundVideo"] = async () => {
    if (!cameraProducer) return [];
    const layers: OutboundVideo[] = [];
    (await cameraProducer.getStats()).forEach((stat: VideoStat) => {
      if (stat.type === "outbound-rtp" && stat.kind === "video") {
        layers.push({ rid: stat.rid ?? "", frameWidth: stat.frameWidth ?? 0, framesEncoded: stat.framesEncoded ?? 0 });
      }
    });
    return layers;
  };

  return {
    join,
    startCamera,
    stopCamera,
    inboundVideo,
    outboundVideo,
    updateSelf,
    request: async (method, data) => {
      if (!signaling) throw new Error("not joined");
      return signaling.request(method, data).then(
        (answer) => ({ ok: true as const, data: answer }),
        (error: unknown) => ({ ok: false as const, error: error instanceof SignalingRefusal ? error.error : { message: String(error) } }),
      );
    },
    leave,
    inboundAudioPackets,
    events: () => recorded,
    state: () => ({
      device: device?.handlerName,
      send: sendTransport?.connectionState,
      sendTransportId: sendTransport?.id,
      recv: recvTransport?.connectionState,
      producer: producer && { id: producer.id, paused: producer.paused, closed: producer.closed },
      camera: cameraProducer && { id: cameraProducer.id, paused: cameraProducer.paused, closed: cameraProducer.closed },
      consumers: [...consumers.values()].map(({ consumer, userId }) => ({
        id: consumer.id,
        userId,
        kind: consumer.kind,
        paused: consumer.paused,
        closed: consumer.closed,
      })),
      signalingClosed: signaling?.closeCode ?? null,
      errors: recorded.filter((event) => event.name === "error"),
    }),
    shutdown: () => {
      closeMedia();
      signaling?.close();
      gateway?.close();
    },
  };
};

browser.xcordVoice = createClient();
