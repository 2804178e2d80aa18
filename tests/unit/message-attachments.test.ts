import { describe, expect, test } from "bun:test";
import { OCTET_STREAM, PLAIN_TEXT, resolveContentType, sanitizeFilename, servesInline } from "../../src/domains/message/domain/attachment";
import { imageDimensions } from "../../src/domains/message/domain/image-dimensions";
import { pngBytes } from "../support/message";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));

describe("image dimensions from headers", () => {
  test("PNG: the IHDR chunk", () => {
    expect(imageDimensions("image/png", pngBytes(640, 480))).toEqual({ width: 640, height: 480 });
  });

  test("GIF: the logical screen", () => {
    expect(imageDimensions("image/gif", hex("474946383961 2003 5802 00 00 00"))).toEqual({ width: 800, height: 600 });
  });

  test("JPEG: the first start-of-frame marker after other segments", () => {
    // SOI, an APP0 segment of 16 bytes, then SOF0: precision 8, height 0x01e0 (480), width 0x0280 (640).
    const app0 = `ffe0 0010 ${"00".repeat(14)}`;
    expect(imageDimensions("image/jpeg", hex(`ffd8 ${app0} ffc0 0011 08 01e0 0280 03 0000000000000000`))).toEqual({ width: 640, height: 480 });
  });

  test("WebP: lossy (VP8), lossless (VP8L) and extended (VP8X)", () => {
    const riff = (chunk: string, body: string) => hex(`52494646 00000000 57454250 ${chunk} 00000000 ${body}`);
    expect(imageDimensions("image/webp", riff("56503820", "000000 9d012a 2003 5802 0000"))).toEqual({ width: 800, height: 600 });
    // VP8L: signature 0x2f, then 14 bits width-1 (99) and 14 bits height-1 (49), little-endian.
    const bits = 99 | (49 << 14);
    const vp8l = Buffer.alloc(4);
    vp8l.writeUInt32LE(bits);
    expect(imageDimensions("image/webp", riff("5650384c", `2f ${vp8l.toString("hex")} 000000000000`))).toEqual({ width: 100, height: 50 });
    expect(imageDimensions("image/webp", riff("56503858", "00000000 1f0300 570200 0000"))).toEqual({ width: 800, height: 600 });
  });

  test("bytes that are not the claimed image, or are cut short, have no dimensions", () => {
    expect(imageDimensions("image/png", new TextEncoder().encode("not a png at all, just text"))).toBeNull();
    expect(imageDimensions("image/png", pngBytes().subarray(0, 20))).toBeNull();
    expect(imageDimensions("image/jpeg", hex("ffd8 ffda 0000"))).toBeNull();
    expect(imageDimensions("application/pdf", pngBytes())).toBeNull();
  });
});

describe("attachment policy", () => {
  test("the detected type wins; unknown binary is octet-stream; UTF-8 text without magic is text/plain", () => {
    expect(resolveContentType("image/png", false)).toBe("image/png");
    expect(resolveContentType("application/x-msdownload", false)).toBe(OCTET_STREAM);
    expect(resolveContentType("image/svg+xml", true)).toBe(OCTET_STREAM);
    expect(resolveContentType(undefined, true)).toBe(PLAIN_TEXT);
    expect(resolveContentType(undefined, false)).toBe(OCTET_STREAM);
  });

  test("only raster images, audio and video are served inline", () => {
    expect(servesInline("image/png")).toBe(true);
    expect(servesInline("video/mp4")).toBe(true);
    expect(servesInline("text/plain")).toBe(false);
    expect(servesInline("application/pdf")).toBe(false);
    expect(servesInline(OCTET_STREAM)).toBe(false);
  });

  test("filenames lose paths, unsafe characters and leading dots, and stop at 255 characters", () => {
    expect(sanitizeFilename("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFilename("C:\\Users\\me\\report final.pdf")).toBe("report_final.pdf");
    expect(sanitizeFilename('a<b>c:"d|e?f*.txt')).toBe("a_b_c__d_e_f_.txt");
    expect(sanitizeFilename(".htaccess")).toBe("htaccess");
    expect(sanitizeFilename("evil\u202Egpj.exe")).toBe("evil_gpj.exe");
    expect(sanitizeFilename("Çalışma İstanbul.txt")).toBe("Çalışma_İstanbul.txt");
    expect(sanitizeFilename("")).toBe("unknown");
    expect(sanitizeFilename("..")).toBe("unknown");
    expect([...sanitizeFilename("ğ".repeat(300))]).toHaveLength(255);
  });
});
