import fc from "fast-check";
import { HOSTILE_NUMBERS, HOSTILE_STRINGS, deeplyNested } from "./fuzz";

/**
 * fast-check arbitraries for the voice signaling socket (docs/voice.md §2) and the oracle the fuzzer checks the
 * server against. Requests are built from valid-ish shapes (mediasoup-client's own objects, ids of real
 * transports and consumers) with hostile values mixed in; raw frames break the envelope itself.
 */

/** Frames are JSON text of at most 16 KiB (docs/voice.md). */
export const MAX_FRAME_BYTES = 16 * 1024;
export const KNOWN_METHODS = [
  "create_transport",
  "connect_transport",
  "produce",
  "close_producer",
  "consume",
  "resume_consumer",
  "pause_consumer",
  "set_preferred_layers",
  "ping",
] as const;
/** Names a method table lookup must not trip over: Object.prototype's keys, near-misses, and junk. */
export const UNKNOWN_METHODS = [
  "constructor",
  "__proto__",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
  "prototype",
  "IDENTIFY",
  "Ping",
  "ping ",
  " ping",
  "ping\u0000",
  "create-transport",
  "createTransport",
  "produce_data",
  "consume_data",
  "close",
  "restart_ice",
  "",
  "x".repeat(32),
  "é".repeat(32),
  "👍",
];

/** A placeholder for an id known only while the case runs (a real transport or consumer, the member's or the owner's). */
export class Ref {
  constructor(readonly name: RefName) {}
}
export type RefName = "send" | "recv" | "consumer" | "ownerSend" | "ownerRecv" | "ownerConsumer" | "ownerProducer";

/** A JSON number token JSON.stringify cannot write (1e999 parses to Infinity, -0, 30-digit integers...). */
export class RawNumber {
  constructor(readonly text: string) {}
}
const RAW_NUMBERS = ["1e999", "-1e999", "1e-999", "-0", "0.0", "1E+2", "111.0", "123456789012345678901234567890", "-9007199254740993", "4294967296.5"];

/** One frame of a case: a request envelope (possibly broken) or raw bytes. */
export type Step =
  | {
      readonly kind: "request";
      readonly id: unknown;
      readonly method: unknown;
      readonly data: unknown;
      /** Fields left out of the envelope (`undefined` values are left out as well). */
      readonly omit: ReadonlyArray<"id" | "method" | "data">;
      readonly extra?: readonly [string, unknown];
      /** Trailing whitespace up to this many bytes (over 16 KiB: too large). */
      readonly padTo?: number;
      readonly binary?: boolean;
    }
  | { readonly kind: "raw"; readonly text: string }
  | { readonly kind: "binary"; readonly bytes: Uint8Array };

export interface VoiceCase {
  /** `fresh`: a new socket that has not identified; `identified`: the member's identified socket. */
  readonly phase: "fresh" | "identified";
  /** Replace the member's identified socket first (new transports, producer, consumers), with transports made or not. */
  readonly rotate: "no" | "bare" | "transports";
  readonly steps: readonly Step[];
}

export type Wire = { readonly kind: "text"; readonly text: string } | { readonly kind: "binary"; readonly bytes: Uint8Array };

/** What the runtime knows when building arbitraries. */
export interface VoiceFuzzContext {
  /** The member's live voice token (the owner's is never used: identifying with it would rightly end the owner's socket). */
  readonly memberToken: string;
  /** The router's RTP capabilities from identify. */
  readonly routerCapabilities: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values

const SMALL_HOSTILE_STRINGS = HOSTILE_STRINGS.filter((value) => value.length < 6000);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(...SMALL_HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, 2 ** 32, 2 ** 32 - 1, -2147483649, 1e21, Number.MIN_VALUE), weight: 4 },
  { arbitrary: fc.constantFrom(...RAW_NUMBERS).map((text) => new RawNumber(text)), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(true, false, null, {}, [], [null], [[]], "0", "1", "true", "null", "NaN", "Infinity", "-Infinity"), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } }), weight: 1 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 30 }), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(deeplyNested(64), deeplyNested(64, "object"), deeplyNested(1500), deeplyNested(900, "object")), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>("x".repeat(300), "y".repeat(4000), "z".repeat(14_000)), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** A deep copy of plain JSON that keeps refs and raw numbers as they are (structuredClone would flatten them). */
const clone = (value: unknown, depth = 0): unknown => {
  if (typeof value !== "object" || value === null || value instanceof Ref || value instanceof RawNumber || depth > 2000) return value;
  if (Array.isArray(value)) return value.map((item) => clone(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: clone(item, depth + 1), enumerable: true, writable: true, configurable: true });
  return copy;
};

const isLeaf = (value: unknown) => typeof value !== "object" || value === null || value instanceof Ref || value instanceof RawNumber;

/** A copy of `base` with one to three things wrong: a value replaced, a key dropped or added, an entry duplicated. */
export const mutated = (base: unknown): fc.Arbitrary<unknown> =>
  fc.array(fc.tuple(fc.nat(), fc.nat(4), hostileValue), { minLength: 1, maxLength: 3 }).map((edits) => {
    const root = { value: clone(base) } as Record<string, unknown>;
    for (const [pick, how, shared] of edits) {
      // A copy: the hostile constants are shared between runs, and a later edit may walk into what this one inserts.
      const bad = clone(shared);
      const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
      const walk = (holder: Record<string, unknown> | unknown[], key: string | number, depth: number) => {
        slots.push([holder, key]);
        const value = (holder as Record<string | number, unknown>)[key];
        if (depth > 6 || isLeaf(value)) return;
        if (Array.isArray(value)) value.forEach((_, index) => walk(value, index, depth + 1));
        else for (const child of Object.keys(value as object)) walk(value as Record<string, unknown>, child, depth + 1);
      };
      walk(root, "value", 0);
      const [holder, key] = slots[pick % slots.length]!;
      const current = (holder as Record<string | number, unknown>)[key];
      if (how === 0) (holder as Record<string | number, unknown>)[key] = bad;
      else if (how === 1 && key !== "value") {
        if (Array.isArray(holder)) holder.splice(key as number, 1);
        else delete holder[key as string];
      } else if (how === 2 && !isLeaf(current)) {
        if (Array.isArray(current)) current.push(bad);
        else Object.defineProperty(current, ["extra", "__proto__", "constructor", "id", "mid"][pick % 5]!, { value: bad, enumerable: true, writable: true, configurable: true });
      } else if (how === 3 && Array.isArray(current) && current.length > 0) current.push(clone(current[pick % current.length]));
      else if (typeof current === "number") (holder as Record<string | number, unknown>)[key] = String(current);
      else if (typeof current === "string") (holder as Record<string | number, unknown>)[key] = Number(current) || current.length;
      else (holder as Record<string | number, unknown>)[key] = bad;
    }
    return root.value;
  });

/** Sometimes exactly `value`, sometimes hostile instead. */
const mostly = <T>(value: fc.Arbitrary<T>, hostileWeight = 1): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: value as fc.Arbitrary<unknown>, weight: 5 }, { arbitrary: hostileValue, weight: hostileWeight });

// ---------------------------------------------------------------------------------------------------------------
// Valid-ish WebRTC shapes (mediasoup-client's objects)

const FINGERPRINT = Array.from({ length: 32 }, (_, index) => (index * 7 + 16).toString(16).toUpperCase().padStart(2, "0")).join(":");
export const VALID_DTLS = { role: "client", fingerprints: [{ algorithm: "sha-256", value: FINGERPRINT }] };

/** What Chrome's mediasoup-client sends for one Opus track. */
export const validRtpParameters = (ssrc: number, mid = "0"): Record<string, unknown> => ({
  mid,
  codecs: [
    {
      mimeType: "audio/opus",
      payloadType: 111,
      clockRate: 48000,
      channels: 2,
      parameters: { minptime: 10, useinbandfec: 1, usedtx: 1 },
      rtcpFeedback: [{ type: "transport-cc", parameter: "" }],
    },
  ],
  headerExtensions: [
    { uri: "urn:ietf:params:rtp-hdrext:sdes:mid", id: 4, encrypt: false, parameters: {} },
    { uri: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", id: 2, encrypt: false, parameters: {} },
    { uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level", id: 1, encrypt: false, parameters: {} },
  ],
  encodings: [{ ssrc, dtx: false }],
  rtcp: { cname: "fuzz-cname", reducedSize: true },
});

const MIME_TYPES = ["audio/opus", "audio/OPUS", "audio/PCMU", "audio/rtx", "video/VP8", "video/opus", "audio/", "opus", "", "audio/opus\u0000", "audio/red"];
const PAYLOAD_TYPES: unknown[] = [111, 0, 127, 96, 128, 255, 256, -1, 1.5, "111", 2 ** 31, 2 ** 32, 2 ** 53, null, new RawNumber("1e999"), new RawNumber("111.0")];
const SSRCS: unknown[] = [1, 12345678, 2 ** 32 - 1, 0, -1, 2 ** 32, 2 ** 53, 1.5, "1234", null, new RawNumber("-0"), new RawNumber("4294967296.5")];
const EXTENSION_IDS: unknown[] = [1, 4, 14, 15, 16, 255, 0, 256, -1, 1.5, "4"];
const EXTENSION_URIS = [
  "urn:ietf:params:rtp-hdrext:sdes:mid",
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  "urn:3gpp:video-orientation",
  "urn:ietf:params:rtp-hdrext:toffset",
  "",
  "not a uri",
];

const codec = fc.record(
  {
    mimeType: mostly(fc.constantFrom(...MIME_TYPES)),
    payloadType: fc.constantFrom(...PAYLOAD_TYPES),
    clockRate: mostly(fc.constantFrom(48000, 8000, 90000, 0, -48000, 2 ** 32, 1.5)),
    channels: mostly(fc.constantFrom(2, 1, 0, -1, 3, 255, 256)),
    parameters: fc.oneof(
      fc.constant({}),
      fc.constant({ apt: 111 }),
      fc.constant({ apt: 200 }),
      fc.constant({ useinbandfec: 1, "sprop-stereo": "x" }),
      fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 }),
      hostileValue,
    ),
    rtcpFeedback: fc.oneof(fc.constant([]), fc.array(fc.record({ type: mostly(fc.constantFrom("nack", "transport-cc", "ccm", "")), parameter: mostly(fc.constantFrom("", "pli", "fir")) }), { maxLength: 3 }), hostileValue),
  },
  { requiredKeys: ["mimeType", "payloadType"] },
);

const encoding = fc.record(
  {
    ssrc: fc.constantFrom(...SSRCS),
    rid: mostly(fc.constantFrom("r0", "", "x".repeat(40))),
    dtx: mostly(fc.boolean()),
    maxBitrate: mostly(fc.constantFrom(64000, 0, -1, 2 ** 53)),
    scalabilityMode: mostly(fc.constantFrom("L1T1", "L1T3", "S3T3", "L99T99", "garbage", "")),
    rtx: mostly(fc.record({ ssrc: fc.constantFrom(...SSRCS) })),
  },
  { requiredKeys: [] },
);

const headerExtension = fc.record(
  { uri: mostly(fc.constantFrom(...EXTENSION_URIS)), id: fc.constantFrom(...EXTENSION_IDS), encrypt: mostly(fc.boolean()), parameters: mostly(fc.constant({})) },
  { requiredKeys: ["uri", "id"] },
);

/** Realistic shapes that are wrong: odd codecs, out-of-range payload types and SSRCs, duplicated entries, long mids. */
const targetedRtpParameters = fc
  .record(
    {
      mid: mostly(fc.constantFrom("0", "1", "audio", "", "x".repeat(16), "x".repeat(17), "é".repeat(9)), 1),
      codecs: fc.oneof({ arbitrary: fc.array(codec, { minLength: 0, maxLength: 3 }), weight: 4 }, { arbitrary: hostileValue, weight: 1 }),
      headerExtensions: fc.oneof({ arbitrary: fc.array(headerExtension, { maxLength: 4 }), weight: 4 }, { arbitrary: hostileValue, weight: 1 }),
      encodings: fc.oneof({ arbitrary: fc.array(encoding, { maxLength: 3 }), weight: 4 }, { arbitrary: hostileValue, weight: 1 }),
      rtcp: mostly(fc.record({ cname: mostly(fc.string({ maxLength: 20 })), reducedSize: mostly(fc.boolean()), mux: mostly(fc.boolean()) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  )
  .chain((value) =>
    // Duplicates: the same codec (payload type), encoding (SSRC) or header extension (id) twice.
    fc.constantFrom("none", "codecs", "encodings", "headerExtensions").map((what) => {
      const list = (value as Record<string, unknown>)[what];
      if (what !== "none" && Array.isArray(list) && list.length > 0) return { ...value, [what]: [...list, clone(list[0])] };
      return value;
    }),
  );

const rtpParameters = (ssrc: fc.Arbitrary<number>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: ssrc.map((value) => validRtpParameters(value)), weight: 3 },
    { arbitrary: ssrc.chain((value) => mutated(validRtpParameters(value))), weight: 5 },
    { arbitrary: targetedRtpParameters, weight: 3 },
    { arbitrary: hostileValue, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
  );

const dtlsParameters: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(VALID_DTLS), weight: 2 },
  { arbitrary: mutated(VALID_DTLS), weight: 4 },
  {
    arbitrary: fc.record(
      {
        role: mostly(fc.constantFrom("client", "server", "auto", "", "CLIENT", "both")),
        fingerprints: fc.oneof(
          {
            arbitrary: fc.array(
              fc.record({
                algorithm: mostly(fc.constantFrom("sha-256", "sha-1", "sha-224", "sha-384", "sha-512", "md5", "md2", "sha-0", "SHA-256", "sha256", "")),
                value: mostly(fc.constantFrom(FINGERPRINT, "", "AB", "zz:zz", FINGERPRINT.toLowerCase(), `${FINGERPRINT}:00`, "x".repeat(500), "AB:".repeat(64))),
              }),
              { maxLength: 4 },
            ),
            weight: 4,
          },
          { arbitrary: hostileValue, weight: 1 },
        ),
      },
      { requiredKeys: [] },
    ),
    weight: 4,
  },
  { arbitrary: hostileValue, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
);

const capabilityCodec = fc.record(
  {
    kind: mostly(fc.constantFrom("audio", "video", "")),
    mimeType: mostly(fc.constantFrom(...MIME_TYPES)),
    preferredPayloadType: fc.constantFrom(...PAYLOAD_TYPES),
    clockRate: mostly(fc.constantFrom(48000, 8000, 0, -1, 2 ** 32)),
    channels: mostly(fc.constantFrom(2, 1, 0, -1, 256)),
    parameters: mostly(fc.constant({})),
    rtcpFeedback: mostly(fc.constant([{ type: "transport-cc", parameter: "" }])),
  },
  { requiredKeys: ["kind", "mimeType"] },
);

const rtpCapabilities = (router: Record<string, unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: fc.constant(router), weight: 2 },
    { arbitrary: mutated(router), weight: 4 },
    {
      arbitrary: fc.record(
        {
          codecs: fc.oneof({ arbitrary: fc.array(capabilityCodec, { maxLength: 3 }), weight: 4 }, { arbitrary: hostileValue, weight: 1 }),
          headerExtensions: mostly(
            fc.array(
              fc.record({
                kind: mostly(fc.constantFrom("audio", "video")),
                uri: mostly(fc.constantFrom(...EXTENSION_URIS)),
                preferredId: fc.constantFrom(...EXTENSION_IDS),
                preferredEncrypt: mostly(fc.boolean()),
                direction: mostly(fc.constantFrom("sendrecv", "recvonly", "sendonly", "inactive", "sideways")),
              }),
              { maxLength: 3 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      weight: 4,
    },
    { arbitrary: hostileValue, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
  );

/** Ids: usually a real one (ours, or the owner's), else random, empty, too long or not a string. */
const idOf = (preferred: RefName[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...preferred).map((name) => new Ref(name)), weight: 14 },
    { arbitrary: fc.constantFrom<RefName>("send", "recv", "consumer", "ownerSend", "ownerRecv", "ownerConsumer", "ownerProducer").map((name) => new Ref(name)), weight: 2 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.constantFrom("", "x".repeat(64), "x".repeat(65), "00000000-0000-0000-0000-000000000000", "undefined", "null", "../transport", "*"), weight: 2 },
    { arbitrary: hostileValue, weight: 2 },
  );

// ---------------------------------------------------------------------------------------------------------------
// Requests and cases

/** `data` for a method: a valid-ish object, the same with one thing wrong, something hostile, or none at all. */
export const dataFor = (method: string, context: VoiceFuzzContext): fc.Arbitrary<unknown> => {
  const ssrc = fc.integer({ min: 1, max: 2 ** 32 - 1 });
  let validish: fc.Arbitrary<Record<string, unknown>>;
  switch (method) {
    case "identify":
      validish = fc
        .oneof(
          { arbitrary: fc.constant(context.memberToken), weight: 6 },
          { arbitrary: fc.constantFrom(context.memberToken.slice(1), `${context.memberToken}=`, context.memberToken.toUpperCase(), "x".repeat(43), "x".repeat(129), "x".repeat(257)), weight: 2 },
          { arbitrary: fc.base64String({ minLength: 4, maxLength: 44 }), weight: 1 },
          { arbitrary: hostileValue, weight: 2 },
        )
        .map((token) => ({ token }));
      break;
    case "create_transport":
      validish = fc
        .oneof(
          { arbitrary: fc.constantFrom<unknown>("send", "recv"), weight: 6 },
          { arbitrary: fc.constantFrom<unknown>("SEND", "both", "sendrecv", "", "send\u0000"), weight: 1 },
          { arbitrary: hostileValue, weight: 1 },
        )
        .map((direction) => ({ direction }));
      break;
    case "connect_transport":
      validish = fc.record({ transport_id: idOf(["send", "recv"]), dtls_parameters: dtlsParameters });
      break;
    case "produce":
      validish = fc.record({ transport_id: idOf(["send"]), kind: fc.oneof({ arbitrary: fc.constant<unknown>("audio"), weight: 16 }, { arbitrary: fc.constantFrom<unknown>("video", "AUDIO", "", "audio\u0000"), weight: 1 }, { arbitrary: hostileValue, weight: 1 }), rtp_parameters: rtpParameters(ssrc) });
      break;
    case "consume":
      validish = fc.record({ rtp_capabilities: rtpCapabilities(context.routerCapabilities) });
      break;
    case "resume_consumer":
    case "pause_consumer":
      validish = fc.record({ consumer_id: idOf(["consumer"]) });
      break;
    case "set_preferred_layers": {
      const layer = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 8 }, { arbitrary: fc.constantFrom<unknown>(-1, 3, 2.5, 2 ** 31, "0"), weight: 1 }, { arbitrary: hostileValue, weight: 1 });
      validish = fc.record({ consumer_id: idOf(["consumer"]), spatial_layer: layer, temporal_layer: layer }, { requiredKeys: ["consumer_id", "spatial_layer"] });
      break;
    }
    case "close_producer":
      // Only the owner's producer has a name here: closing someone else's must be refused, never done.
      validish = fc.record({ producer_id: idOf(["ownerProducer"]) });
      break;
    case "ping":
      validish = fc.constant({});
      break;
    default:
      validish = fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 });
  }
  return fc.oneof(
    { arbitrary: validish, weight: 10 },
    { arbitrary: validish.chain((value) => mutated(value)), weight: 3 },
    { arbitrary: hostileValue, weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
};

const methodName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_METHODS), weight: 16 },
  { arbitrary: fc.constant("identify"), weight: 1 },
  { arbitrary: fc.constantFrom(...UNKNOWN_METHODS), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const validId = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1000 }), weight: 6 }, { arbitrary: fc.constantFrom(0, 2 ** 31, 2 ** 31 - 1), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: 2 ** 31 }), weight: 1 });
const badId: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(-1, 2 ** 31 + 1, 2 ** 32, 2 ** 53, 1.5, "1", null, true, [], {}, new RawNumber("1e999"), new RawNumber("-0"), new RawNumber("1.0"));

/** `value` once in `oneIn` times, else undefined. */
const rarely = <T>(value: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: value, weight: 1 });

const requestStep = (context: VoiceFuzzContext): fc.Arbitrary<Step> =>
  methodName.chain((method) =>
    fc
      .record({
        data: dataFor(method, context),
        id: fc.oneof({ arbitrary: validId as fc.Arbitrary<unknown>, weight: 30 }, { arbitrary: badId, weight: 1 }),
        badMethod: rarely(fc.oneof(hostileValue, fc.constant("x".repeat(33))), 40),
        omit: fc.oneof({ arbitrary: fc.constant<Array<"id" | "method" | "data">>([]), weight: 40 }, { arbitrary: fc.subarray(["id", "method", "data"] as Array<"id" | "method" | "data">, { minLength: 1 }), weight: 1 }),
        extra: rarely(fc.tuple(fc.constantFrom("extra", "__proto__", "params", "jsonrpc", "ID"), hostileValue), 40),
        padTo: rarely(fc.constantFrom(MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 600, 40_000, 70_000), 80),
        binary: fc.nat(80).map((n) => n === 0),
      })
      .map(
        ({ data, id, badMethod, omit, extra, padTo, binary }): Step => ({
          kind: "request",
          id,
          method: badMethod ?? method,
          data,
          omit,
          ...(extra ? { extra } : {}),
          ...(padTo ? { padTo } : {}),
          binary,
        }),
      ),
  );

const PING = JSON.stringify({ id: 1, method: "ping", data: {} });
const rawStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map((text): Step => ({ kind: "raw", text })), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Step => ({ kind: "raw", text: JSON.stringify(value) })), weight: 2 },
  { arbitrary: fc.nat(PING.length - 1).map((cut): Step => ({ kind: "raw", text: PING.slice(0, cut) })), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(
        "",
        " ",
        "null",
        "123",
        "-1",
        "1e999",
        "true",
        "[]",
        "{}",
        "[1,\"ping\",{}]",
        '[{"id":1,"method":"ping"}]',
        "NaN",
        "{id:1,method:'ping'}",
        '{"id":1,"method":"ping",}',
        ' {"id":1,"method":"ping"}',
        '\n\t{"id":1,"method":"ping","data":{}}\n',
        '{"id":1,"method":"ping","data":{}}}',
        '{"id":1,"method":"ping","data":NaN}',
        '\uFEFF{"id":1,"method":"ping"}',
        '{"id":1,"method":"ping","data":"\\uD800"}',
        '{"id":1,"method":"ping","data":{"a":"\\u0000"}}',
        '{"id":1,"method":"ping","id":2}',
        '{"id":1e0,"method":"ping"}',
        '{"id":1.0,"method":"ping"}',
        '{"id":-0,"method":"ping"}',
        '{"id":1,"method":"ping","data":{"__proto__":{"polluted":true}}}',
        `{"id":1,"method":"ping","data":${"[".repeat(5000)}${"]".repeat(5000)}}`,
        `{"id":1,"method":"ping","data":${'{"a":'.repeat(2500)}1${"}".repeat(2500)}}`,
        "[".repeat(8000) + "]".repeat(8000),
        `{"id":1,"method":"ping","data":${"[".repeat(9000)}${"]".repeat(9000)}}`,
        PING + " ".repeat(MAX_FRAME_BYTES),
        "\u0000".repeat(100),
      )
      .map((text): Step => ({ kind: "raw", text })),
    weight: 3,
  },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Step => ({ kind: "binary", bytes })), weight: 1 },
  { arbitrary: fc.constantFrom(0, 1, MAX_FRAME_BYTES + 1, 64 * 1024).map((size): Step => ({ kind: "binary", bytes: new Uint8Array(size).fill(0x7b) })), weight: 1 },
  { arbitrary: fc.constant<Step>({ kind: "binary", bytes: new TextEncoder().encode(PING) }), weight: 1 },
);

/** A case: one to six frames on a fresh or an identified socket; mostly requests, some raw frames. */
export const voiceCases = (context: VoiceFuzzContext): fc.Arbitrary<VoiceCase> =>
  fc
    .record({
      phase: fc.oneof({ arbitrary: fc.constant<"identified">("identified"), weight: 5 }, { arbitrary: fc.constant<"fresh">("fresh"), weight: 1 }),
      rotate: fc.oneof({ arbitrary: fc.constant<"no">("no"), weight: 6 }, { arbitrary: fc.constant<"transports">("transports"), weight: 2 }, { arbitrary: fc.constant<"bare">("bare"), weight: 1 }),
      identifyFirst: fc.boolean(),
      identifyId: validId,
      steps: fc.array(fc.oneof({ arbitrary: requestStep(context), weight: 15 }, { arbitrary: rawStep, weight: 1 }), { minLength: 1, maxLength: 6 }),
    })
    .map(({ phase, rotate, identifyFirst, identifyId, steps }) => ({
      phase,
      rotate,
      // Half the fresh sockets identify properly first, so that what follows is served on a just-seated peer.
      steps: phase === "fresh" && identifyFirst ? [{ kind: "request", id: identifyId, method: "identify", data: { token: context.memberToken }, omit: [] } satisfies Step, ...steps] : steps,
    }));

// ---------------------------------------------------------------------------------------------------------------
// Rendering and the oracle

/** Replaces refs with the ids they stand for (a random id when there is none yet) and raw numbers with placeholders. */
const resolve = (value: unknown, lookup: (name: RefName) => string | undefined, raws: string[], depth = 0): unknown => {
  if (value instanceof Ref) return lookup(value.name) ?? crypto.randomUUID();
  if (value instanceof RawNumber) {
    raws.push(value.text);
    return `\u0001raw${raws.length - 1}\u0001`;
  }
  if (depth > 24 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolve(item, lookup, raws, depth + 1));
  const copy: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key must stay a key, not become the prototype.
  for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: resolve(item, lookup, raws, depth + 1), enumerable: true, writable: true, configurable: true });
  return copy;
};

/** The frame as it goes on the wire. */
export const render = (step: Step, lookup: (name: RefName) => string | undefined): Wire => {
  if (step.kind === "binary") return { kind: "binary", bytes: step.bytes };
  if (step.kind === "raw") return { kind: "text", text: step.text.toWellFormed() };
  const raws: string[] = [];
  const envelope: Record<string, unknown> = {};
  const put = (key: string, value: unknown) =>
    Object.defineProperty(envelope, key, { value: resolve(value, lookup, raws), enumerable: true, writable: true, configurable: true });
  if (!step.omit.includes("id")) put("id", step.id);
  if (!step.omit.includes("method")) put("method", step.method);
  if (!step.omit.includes("data") && step.data !== undefined) put("data", step.data);
  if (step.extra) put(step.extra[0], step.extra[1]);
  let text = JSON.stringify(envelope);
  raws.forEach((raw, index) => {
    text = text.replace(JSON.stringify(`\u0001raw${index}\u0001`), raw);
  });
  if (step.padTo) text += " ".repeat(Math.max(0, step.padTo - Buffer.byteLength(text)));
  return step.binary ? { kind: "binary", bytes: new TextEncoder().encode(text) } : { kind: "text", text };
};

export const describeWire = (wire: Wire): string =>
  wire.kind === "binary" ? `binary(${wire.bytes.length})` : `${JSON.stringify(wire.text.slice(0, 300))}${wire.text.length > 300 ? `… (${Buffer.byteLength(wire.text)} bytes)` : ""}`;

export type Classified =
  | { readonly kind: "decode"; readonly tooBig: boolean }
  | { readonly kind: "request"; readonly id: number; readonly method: string; readonly data: unknown; readonly leadingWhitespace: boolean };

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * docs/voice.md's reading of a frame, written independently of the server: JSON text within 16 KiB shaped
 * `{ id: integer, method: string, data? }` is a request; anything else is a decode error (4002).
 */
export const classify = (wire: Wire): Classified => {
  if (wire.kind === "binary") return { kind: "decode", tooBig: wire.bytes.length > MAX_FRAME_BYTES };
  if (Buffer.byteLength(wire.text) > MAX_FRAME_BYTES) return { kind: "decode", tooBig: true };
  let value: unknown;
  try {
    value = JSON.parse(wire.text);
  } catch {
    return { kind: "decode", tooBig: false };
  }
  if (!isPlainObject(value)) return { kind: "decode", tooBig: false };
  if (Object.keys(value).some((key) => key !== "id" && key !== "method" && key !== "data")) return { kind: "decode", tooBig: false };
  const { id, method, data } = value;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 2 ** 31) return { kind: "decode", tooBig: false };
  if (typeof method !== "string" || method.length > 32) return { kind: "decode", tooBig: false };
  return { kind: "request", id, method, data, leadingWhitespace: /^\s/.test(wire.text) };
};

/** What must happen to a frame: the socket closes with one of `close`, or a response arrives (`identifies`: it seats the client). */
export type Expected =
  | { readonly close: readonly number[]; readonly why: string }
  | {
      readonly reply: "ok" | "error" | "any";
      readonly id: number;
      readonly method: string;
      readonly status?: number;
      readonly code?: number;
      readonly identifies?: boolean;
      /** Closes also accepted instead of the reply. */
      readonly orClose?: readonly number[];
    };

/**
 * JSON text may start with whitespace, but Elysia parses only frames whose first character opens a value, and the
 * server takes only what Elysia parsed into an object: ` {"id":1,...}` is a decode error there. Tolerated either way.
 */
export const expectedFor = (classified: Classified, state: { identified: boolean; memberToken: string }): Expected => {
  const expected = strictExpectation(classified, state);
  if (classified.kind !== "request" || !classified.leadingWhitespace) return expected;
  return "close" in expected ? { ...expected, close: [...expected.close, 4002] } : { ...expected, orClose: [4002] };
};

const strictExpectation = (classified: Classified, state: { identified: boolean; memberToken: string }): Expected => {
  if (classified.kind === "decode") return { close: classified.tooBig ? [1009, 4002] : [4002], why: "decode error" };
  const { id, method } = classified;
  const data = classified.data ?? {};
  if (method === "identify") {
    if (state.identified) return { close: [4005], why: "already identified" };
    const token = isPlainObject(data) ? data.token : undefined;
    if (typeof token !== "string" || token.length < 1 || token.length > 256) return { reply: "error", id, method, status: 400, code: 50035 };
    if (token === state.memberToken) return { reply: "ok", id, method, identifies: true };
    return { close: [4004], why: "bad token" };
  }
  if (!state.identified) return { close: [4003], why: "not identified" };
  if (!(KNOWN_METHODS as readonly string[]).includes(method)) return { reply: "error", id, method, status: 400, code: 50035 };
  if (method === "ping") return isPlainObject(data) ? { reply: "ok", id, method } : { reply: "error", id, method, status: 400, code: 50035 };
  return { reply: "any", id, method };
};
