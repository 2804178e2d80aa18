/**
 * Headless Chromium pages running the browser voice client (client.ts): the client is bundled for the browser
 * at test time and served with a tiny HTML page from `http://localhost` (a secure context, so getUserMedia works);
 * Chromium's fake capture device gives every page a microphone that plays SPEECH below, and a camera (a moving test
 * pattern at whatever size is asked for).
 */
import type { Server } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import type { CameraOptions, InboundVideo, JoinOptions, OutboundVideo, VoicePageApi, VoicePageEvent } from "./client";

export type { CameraOptions, InboundVideo, JoinOptions, OutboundVideo, VoicePageEvent };

export const CHROMIUM = "/usr/bin/chromium";

/**
 * What the fake microphone says: a 440 Hz tone for 1.5 s, then 2.5 s of silence, looped. Chromium's default fake
 * audio is a 10 ms beep twice a second, which averages far below any speaking threshold once audio processing
 * stops amplifying it; a tone long enough to fill whole observer intervals gives speaking starts *and* stops.
 */
const SPEECH = { sampleRate: 48_000, toneMs: 1500, silenceMs: 2500, hz: 440, amplitude: 0.3 };

/** A 16-bit mono PCM WAV of one SPEECH period. */
export const speechWav = (): Uint8Array => {
  const { sampleRate, toneMs, silenceMs, hz, amplitude } = SPEECH;
  const samples = Math.round(((toneMs + silenceMs) / 1000) * sampleRate);
  const toneSamples = Math.round((toneMs / 1000) * sampleRate);
  const wav = new DataView(new ArrayBuffer(44 + samples * 2));
  const ascii = (offset: number, text: string) => [...text].forEach((char, i) => wav.setUint8(offset + i, char.charCodeAt(0)));
  ascii(0, "RIFF");
  wav.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  wav.setUint32(16, 16, true); // fmt chunk size
  wav.setUint16(20, 1, true); // PCM
  wav.setUint16(22, 1, true); // mono
  wav.setUint32(24, sampleRate, true);
  wav.setUint32(28, sampleRate * 2, true); // byte rate
  wav.setUint16(32, 2, true); // block align
  wav.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  wav.setUint32(40, samples * 2, true);
  for (let i = 0; i < toneSamples; i++) {
    wav.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * amplitude * 32767), true);
  }
  return new Uint8Array(wav.buffer);
};

const CHROMIUM_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Two pages of one browser share a renderer budget; keep background pages' timers and media running.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

/** Bundles client.ts (and mediasoup-client) for the browser, in memory. */
export const bundleVoiceClient = async (): Promise<string> => {
  const result = await Bun.build({ entrypoints: [join(import.meta.dir, "client.ts")], target: "browser", format: "esm" });
  if (!result.success) throw new Error(`bundling the voice client failed:\n${result.logs.map(String).join("\n")}`);
  const [bundle] = result.outputs;
  if (!bundle) throw new Error("bundling the voice client produced no output");
  return bundle.text();
};

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>XCord voice e2e</title></head>
<body><script type="module" src="/client.js"></script></body></html>`;

/** One page: a voice client a test drives. Each step inside the page gives up after 15 s (client.ts, sockets.ts). */
export interface VoicePage {
  readonly page: Page;
  /** The page's console output and uncaught errors, for failure messages. */
  readonly console: string[];
  join(options: JoinOptions): Promise<{ userId: string; sessionId: string; producerId: string }>;
  updateSelf(state: { selfMute: boolean; selfDeaf: boolean }): Promise<void>;
  startCamera(options: CameraOptions): Promise<{ producerId: string }>;
  stopCamera(): Promise<void>;
  inboundVideo(userId: string): Promise<InboundVideo | null>;
  outboundVideo(): Promise<OutboundVideo[]>;
  request: VoicePageApi["request"];
  leave(): Promise<{ closeCode: number | null }>;
  inboundAudioPackets(userId?: string): Promise<number>;
  events(): Promise<VoicePageEvent[]>;
  state(): Promise<Record<string, unknown>>;
}

export interface VoiceBrowser {
  readonly browser: Browser;
  /** `http://localhost:<port>/`: the page that loads the client. */
  readonly pageUrl: string;
  openPage(): Promise<VoicePage>;
  close(): Promise<void>;
}

type Api = { xcordVoice: VoicePageApi };

/** Bundles the client, serves it on localhost and launches Chromium with fake media devices. */
export const launchVoiceBrowser = async (): Promise<VoiceBrowser> => {
  const script = await bundleVoiceClient();
  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/client.js") return new Response(script, { headers: { "content-type": "text/javascript; charset=utf-8" } });
      if (pathname === "/") return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
      if (pathname === "/favicon.ico") return new Response(null, { status: 204 });
      return new Response("not found", { status: 404 });
    },
  });
  const pageUrl = `http://localhost:${server.port}/`;
  const mediaDir = mkdtempSync(join(tmpdir(), "xcord-voice-e2e-"));
  const speech = join(mediaDir, "speech.wav");
  writeFileSync(speech, speechWav());
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${speech}`] });
  } catch (error) {
    await server.stop(true);
    rmSync(mediaDir, { recursive: true, force: true });
    throw error;
  }
  const pages: Page[] = [];

  const openPage = async (): Promise<VoicePage> => {
    const context = await browser.newContext({ permissions: ["microphone", "camera"] });
    const page = await context.newPage();
    pages.push(page);
    const console: string[] = [];
    page.on("console", (message) => console.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => console.push(`pageerror: ${error.message}`));
    await page.goto(pageUrl);
    await page.waitForFunction(() => "xcordVoice" in globalThis, undefined, { timeout: 10_000 });
    return {
      page,
      console,
      join: (options) => page.evaluate((o) => (globalThis as unknown as Api).xcordVoice.join(o), options),
      updateSelf: (state) => page.evaluate((s) => (globalThis as unknown as Api).xcordVoice.updateSelf(s), state),
      startCamera: (options) => page.evaluate((o) => (globalThis as unknown as Api).xcordVoice.startCamera(o), options),
      stopCamera: () => page.evaluate(() => (globalThis as unknown as Api).xcordVoice.stopCamera()),
      inboundVideo: (userId) => page.evaluate((id) => (globalThis as unknown as Api).xcordVoice.inboundVideo(id), userId),
      outboundVideo: () => page.evaluate(() => (globalThis as unknown as Api).xcordVoice.outboundVideo()),
      request: (method, data) => page.evaluate(([m, d]) => (globalThis as unknown as Api).xcordVoice.request(m, d), [method, data] as const),
      leave: () => page.evaluate(() => (globalThis as unknown as Api).xcordVoice.leave()),
      inboundAudioPackets: (userId) => page.evaluate((id) => (globalThis as unknown as Api).xcordVoice.inboundAudioPackets(id), userId),
      events: () => page.evaluate(() => (globalThis as unknown as Api).xcordVoice.events()),
      state: () => page.evaluate(() => (globalThis as unknown as Api).xcordVoice.state()),
    };
  };

  return {
    browser,
    pageUrl,
    openPage,
    async close() {
      for (const page of pages) {
        await page
          .evaluate(() => (globalThis as unknown as Partial<Api>).xcordVoice?.shutdown())
          .catch(() => {});
      }
      await browser.close().catch(() => {});
      await server.stop(true);
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
};
