import type { Snowflake } from "../../../shared/kernel/snowflake";
import { imageDimensions } from "./image-dimensions";

/** An uploaded file: first an unused upload, then part of exactly one message. */
export interface Attachment {
  readonly id: Snowflake;
  readonly channelId: Snowflake;
  readonly uploaderId: Snowflake;
  /** Sanitized, at most 255 characters. */
  readonly filename: string;
  /** Detected from the bytes, never taken from the client (see `resolveContentType`). */
  readonly contentType: string;
  readonly size: number;
  /** Images only. */
  readonly width: number | null;
  readonly height: number | null;
  /** Alt text (Discord's `description`), at most DESCRIPTION_MAX characters. */
  readonly description: string | null;
  readonly createdAt: Date;
}

export const DESCRIPTION_MAX = 1024;

export const FILENAME_MAX = 255;
/** An upload must be used in a message within this time, or it is purged. */
export const UPLOAD_CLAIM_WINDOW_MS = 3600_000;
/** How long a URL in an API answer or event stays valid. */
export const ATTACHMENT_URL_TTL_MS = 24 * 3600_000;

const FALLBACK_NAME = "unknown";
// Path separators, control and format characters, and the characters Windows forbids in names.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"/\\|?*]/gu;

/**
 * A filename safe to store, show and put in a URL path: the last path component, unsafe characters and runs of
 * whitespace turned into `_`, no leading dots (no hidden or `..` names), at most 255 code points.
 */
/** A new upload: its name sanitized, and an image measured from `head`, its first bytes (or all of them). */
export const newAttachment = (
  upload: Omit<Attachment, "filename" | "width" | "height"> & { readonly filename: string; readonly head: Uint8Array },
): Attachment => {
  const { head, filename, ...fields } = upload;
  const dimensions = isImage(fields.contentType) ? imageDimensions(fields.contentType, head) : null;
  return { ...fields, filename: sanitizeFilename(filename), width: dimensions?.width ?? null, height: dimensions?.height ?? null };
};

export const sanitizeFilename = (raw: string): string => {
  const base = raw.normalize("NFC").split(/[/\\]/).pop() ?? "";
  const cleaned = base.replace(UNSAFE, "_").replace(/\s+/gu, "_").replace(/^[.\s]+/u, "");
  const name = [...cleaned].slice(0, FILENAME_MAX).join("");
  return name === "" ? FALLBACK_NAME : name;
};

/**
 * The types XCord labels an upload with when its bytes prove them (magic numbers). Anything else is stored and
 * served as `application/octet-stream`: refusing uploads by type would only teach clients to rename files, while
 * the serving rules (`servesInline`, nosniff, a sandboxing CSP) are what keep a file from running in a browser.
 */
export const DETECTABLE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "application/zip",
  "audio/mpeg",
  "audio/ogg",
  "audio/wav",
  "audio/x-wav",
  "audio/flac",
  "audio/x-flac",
  "audio/mp4",
  "audio/aac",
  "audio/webm",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "video/ogg",
]);

export const OCTET_STREAM = "application/octet-stream";
export const PLAIN_TEXT = "text/plain";

/**
 * The content type of an upload from what its bytes are: a detected type on the list above; text/plain for valid
 * UTF-8 without a magic number; octet-stream for everything else. What the client claimed plays no part.
 */
export const resolveContentType = (detected: string | undefined, isUtf8Text: boolean): string => {
  if (detected !== undefined) return DETECTABLE_TYPES.has(detected) ? detected : OCTET_STREAM;
  return isUtf8Text ? PLAIN_TEXT : OCTET_STREAM;
};

/** Raster images the client may display from the URL itself (no SVG: it can carry script). */
export const isImage = (contentType: string): boolean => /^image\/(png|jpeg|gif|webp)$/.test(contentType);

/** Media a browser may render in place; everything else is served as a download (`Content-Disposition: attachment`). */
export const servesInline = (contentType: string): boolean =>
  isImage(contentType) || contentType.startsWith("audio/") || contentType.startsWith("video/");
