import type { OpaqueJson } from "../../../domains/voice/domain/sfu";

/** RTP fields are fixed-width on the wire: 7-bit payload types, 32-bit SSRCs, 8-bit header extension ids. */
const MAX_PAYLOAD_TYPE = 127;
const MAX_SSRC = 2 ** 32 - 1;
const MAX_HEADER_EXTENSION_ID = 255;
/** A MID travels in a one-byte RTP header extension, whose value holds at most 16 bytes (RFC 8285). */
const MAX_MID_LENGTH = 16;

const isIntegerWithin = (value: unknown, min: number, max: number): boolean =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

const entries = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];

/**
 * Range checks mediasoup leaves out: it checks types, then writes numbers into fixed-width fields, so an
 * out-of-range payload type, SSRC or extension id would silently wrap into a different, valid-looking one.
 * Everything else (shapes, codecs, names) is left to mediasoup's own validation. Throws TypeError.
 */
export const checkRtpParameterRanges = (rtpParameters: OpaqueJson): void => {
  const { mid } = rtpParameters;
  if (mid !== undefined && (typeof mid !== "string" || mid.length > MAX_MID_LENGTH)) {
    throw new TypeError(`rtpParameters.mid must be a string of at most ${MAX_MID_LENGTH} characters`);
  }
  for (const codec of entries(rtpParameters.codecs)) {
    if (!isIntegerWithin(codec.payloadType, 0, MAX_PAYLOAD_TYPE)) throw new TypeError("codec payloadType must be an integer from 0 to 127");
  }
  for (const encoding of entries(rtpParameters.encodings)) {
    if (encoding.ssrc !== undefined && !isIntegerWithin(encoding.ssrc, 1, MAX_SSRC)) throw new TypeError("encoding ssrc must be a 32-bit unsigned integer");
  }
  for (const extension of entries(rtpParameters.headerExtensions)) {
    if (!isIntegerWithin(extension.id, 1, MAX_HEADER_EXTENSION_ID)) throw new TypeError("header extension id must be an integer from 1 to 255");
  }
};

/** What one kind of producer may send: encodings (simulcast layers) and bitrate per encoding, in bit/s. */
export const ENCODING_LIMITS = {
  /** Opus tops out at 510 kbit/s. */
  audio: { maxEncodings: 1, maxBitrate: 510_000 },
  /** Three simulcast layers of camera video; 2.5 Mbit/s is a 1080p30 VP8 layer with room to spare. */
  video: { maxEncodings: 3, maxBitrate: 2_500_000 },
} as const;

/**
 * What a send transport may receive in all (three video layers at their usual rates plus audio): mediasoup tells
 * the sender so through its bandwidth feedback (REMB / transport-cc), which is what actually holds the browser to it.
 */
export const MAX_INCOMING_BITRATE = 5_000_000;

/** Simulcast layers of VP8 / H.264: one spatial layer per encoding, one to three temporal layers. */
const SCALABILITY_MODE = /^L1T[1-3]$/;
/** A RID travels in a one-byte RTP header extension too (RFC 8851), and is alphanumeric. */
const RID = /^[A-Za-z0-9]{1,16}$/;
const MAX_SCALE_DOWN = 64;

/**
 * The encodings a producer of `kind` may declare: one for audio, one to three (simulcast) for camera video, each
 * with a bounded `maxBitrate`, a simulcast scalability mode and, when there are several, distinct RIDs or SSRCs.
 * Throws TypeError with what is wrong (the signaling socket answers it as a 400).
 */
export const checkEncodings = (kind: "audio" | "video", rtpParameters: OpaqueJson): void => {
  const limits = ENCODING_LIMITS[kind];
  const { encodings } = rtpParameters;
  if (!Array.isArray(encodings) || encodings.length === 0) throw new TypeError("rtpParameters.encodings must be a non-empty array");
  if (encodings.length > limits.maxEncodings) {
    throw new TypeError(`${kind} takes at most ${limits.maxEncodings} encoding${limits.maxEncodings === 1 ? "" : "s"} (got ${encodings.length})`);
  }
  const list = entries(encodings);
  if (list.length !== encodings.length) throw new TypeError("each encoding must be an object");
  const rids = new Set<string>();
  for (const encoding of list) {
    const { maxBitrate, rid, scalabilityMode, scaleResolutionDownBy } = encoding;
    if (maxBitrate !== undefined && !isIntegerWithin(maxBitrate, 1, limits.maxBitrate)) {
      throw new TypeError(`encoding maxBitrate must be an integer from 1 to ${limits.maxBitrate} bit/s for ${kind}`);
    }
    if (rid !== undefined) {
      if (typeof rid !== "string" || !RID.test(rid)) throw new TypeError("encoding rid must be 1 to 16 letters or digits");
      if (rids.has(rid)) throw new TypeError(`encoding rid ${rid} is used twice`);
      rids.add(rid);
    }
    if (kind === "video" && scalabilityMode !== undefined && (typeof scalabilityMode !== "string" || !SCALABILITY_MODE.test(scalabilityMode))) {
      throw new TypeError("encoding scalabilityMode must be L1T1, L1T2 or L1T3 (simulcast layers)");
    }
    if (scaleResolutionDownBy !== undefined && (typeof scaleResolutionDownBy !== "number" || !(scaleResolutionDownBy >= 1 && scaleResolutionDownBy <= MAX_SCALE_DOWN))) {
      throw new TypeError(`encoding scaleResolutionDownBy must be a number from 1 to ${MAX_SCALE_DOWN}`);
    }
  }
  if (list.length > 1 && rids.size !== list.length && new Set(list.map((encoding) => encoding.ssrc)).size !== list.length) {
    throw new TypeError("simulcast encodings need distinct rids or ssrcs");
  }
};

/**
 * Every codec of a producer is of its kind (mediasoup would take an "audio" producer of VP8 and forward it as
 * audio). Throws TypeError.
 */
export const checkCodecKinds = (kind: "audio" | "video", rtpParameters: OpaqueJson): void => {
  for (const codec of entries(rtpParameters.codecs)) {
    if (typeof codec.mimeType === "string" && !codec.mimeType.toLowerCase().startsWith(`${kind}/`)) {
      throw new TypeError(`codec ${codec.mimeType.slice(0, 40)} is not a codec of kind ${kind}`);
    }
  }
};
