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
