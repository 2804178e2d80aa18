/** Width and height in pixels. */
export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, start + length));
const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number) => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number) => (u16be(b, i) * 0x10000 + u16be(b, i + 2)) >>> 0;

const png = (b: Uint8Array): Dimensions | null =>
  b.length >= 24 && ascii(b, 12, 4) === "IHDR" ? { width: u32be(b, 16), height: u32be(b, 20) } : null;

const gif = (b: Uint8Array): Dimensions | null => (b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : null);

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

const jpeg = (b: Uint8Array): Dimensions | null => {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] as number;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or end before any frame header
    if (isStartOfFrame(marker)) return { width: u16be(b, i + 7), height: u16be(b, i + 5) };
    const length = u16be(b, i + 2);
    if (length < 2) return null;
    i += 2 + length;
  }
  return null;
};

const webp = (b: Uint8Array): Dimensions | null => {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 " && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === "VP8L" && b[20] === 0x2f) {
    const b1 = b[21] as number;
    const b2 = b[22] as number;
    const b3 = b[23] as number;
    const b4 = b[24] as number;
    return { width: 1 + (((b2 & 0x3f) << 8) | b1), height: 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)) };
  }
  if (chunk === "VP8X") return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
  return null;
};

/**
 * The pixel size of a PNG, JPEG, GIF or WebP from its header alone (a few dozen bytes, or a JPEG's markers up to
 * the frame header), or null when the bytes are not one of those or are cut short. Pure and bounded: it never
 * decodes pixels, so a hostile file costs no more than its headers.
 */
export const imageDimensions = (contentType: string, bytes: Uint8Array): Dimensions | null => {
  const found =
    contentType === "image/png" && ascii(bytes, 1, 3) === "PNG"
      ? png(bytes)
      : contentType === "image/gif" && ascii(bytes, 0, 4) === "GIF8"
        ? gif(bytes)
        : contentType === "image/jpeg" && bytes[0] === 0xff && bytes[1] === 0xd8
          ? jpeg(bytes)
          : contentType === "image/webp" && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP"
            ? webp(bytes)
            : null;
  return found && found.width > 0 && found.height > 0 ? found : null;
};
