import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Socket, connect } from "node:net";
import { MAX_BUFFERED_BYTES, SLOW_CONSUMER } from "../../src/shared/gateway/gateway-session";
import { identify } from "../support/gateway";
import { type TestUser, identityEnv, registerUser } from "../support/identity";
import { type TestServer, modeNamed, startServer } from "../support/server";

/** A client frame: text, FIN, masked (RFC 6455 requires clients to mask). */
const maskedText = (text: string): Buffer => {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
};

/**
 * A gateway client over raw TCP that identifies, reads until READY, and then never reads again: what the server
 * sends piles up in the kernel's buffers and then in the server's.
 */
const neverReadingClient = async (httpUrl: string, token: string): Promise<Socket> => {
  const { hostname, port } = new URL(httpUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((done) => socket.once("connect", () => done()));
  socket.write(
    `GET /gateway HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let received = "";
  let identified = false;
  await new Promise<void>((done) => {
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (!identified && received.includes('"op":10')) {
        identified = true;
        socket.write(maskedText(JSON.stringify({ op: 2, d: { token } })));
      }
      if (received.includes('"t":"READY"')) {
        socket.off("data", onData);
        socket.pause();
        done();
      }
    };
    socket.on("data", onData);
  });
  return socket;
};

/** Reads the rest of the stream and returns the close frame's code and reason (server frames are unmasked). */
const closeFrameOf = async (socket: Socket): Promise<{ code: number; reason: string } | undefined> => {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.resume();
  await new Promise<void>((done) => socket.once("close", () => done()));
  const data = Buffer.concat(chunks);
  const at = data.lastIndexOf(0x88);
  if (at < 0) return undefined;
  const length = data[at + 1]!;
  return { code: data.readUInt16BE(at + 2), reason: data.subarray(at + 4, at + 2 + length).toString() };
};

const metric = async (server: TestServer, name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(await (await server.request("/metrics")).text())?.[1]);
const openSessions = (server: TestServer) => metric(server, "xcord_gateway_sessions");

describe("gateway backpressure", () => {
  let server: TestServer;
  let alice: TestUser;
  let channelId: string;
  beforeAll(async () => {
    const mode = modeNamed("postgres+redis");
    server = await startServer(mode, { ...identityEnv(mode), RATE_LIMIT_SCALE: "100000" });
    alice = await registerUser(server);
    const guild = (await (await server.request("/api/v1/guilds", { method: "POST", token: alice.access_token, json: { name: "Flood" } })).json()) as {
      channels: Array<{ id: string; type: number }>;
    };
    channelId = guild.channels.find((channel) => channel.type === 0)!.id;
  }, 60_000);
  afterAll(() => server.stop());

  test("a client that never reads is closed as a slow consumer, and the node does not keep its dispatches", async () => {
    const { client: reader } = await identify(server.url, alice.access_token);
    const slow = await neverReadingClient(server.url, alice.access_token);
    expect(await openSessions(server)).toBeGreaterThanOrEqual(2);
    const before = await openSessions(server);
    // Retained memory, not garbage not yet collected: collect before both readings.
    Bun.gc(true);
    const heapBefore = process.memoryUsage().heapUsed;
    // 4,000 code points of 4 UTF-8 bytes each: a 16 KB dispatch per message.
    const content = "\u{1F600}".repeat(4000);
    const bytesPerMessage = Buffer.byteLength(content);
    // Far more than the kernel's socket buffers and MAX_BUFFERED_BYTES together: 32 MiB of dispatches.
    const floodBytes = 32 * 1024 * 1024;
    let sent = 0;
    const send = async () => {
      while (sent * bytesPerMessage < floodBytes && (await openSessions(server)) >= before) {
        sent++;
        const response = await server.request(`/api/v1/channels/${channelId}/messages`, { method: "POST", token: alice.access_token, json: { content } });
        expect(response.status).toBe(201);
      }
    };
    await Promise.all(Array.from({ length: 8 }, send));
    // Start reading at once: a peer that never answers the close handshake is reset in the end, and a reset
    // discards whatever the kernel still held for the client, the close frame included.
    const closing = closeFrameOf(slow);
    expect(await openSessions(server)).toBe(before - 1);
    expect(sent * bytesPerMessage).toBeLessThan(floodBytes);
    // The reader kept up and stays connected.
    expect(reader.dispatches("MESSAGE_CREATE").length).toBeGreaterThan(0);
    reader.close();
    // What the node held for the slow client is bounded by MAX_BUFFERED_BYTES, not by what was sent. The reader's
    // recorded frames (16 KB each) live in this same process: drop them, so that only the node's memory counts.
    reader.frames.length = 0;
    Bun.gc(true);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    // Reading at last, the slow client found the close frame after what was queued: 4008 "Slow consumer".
    // The node closed it as a slow consumer (counted once), and the 4008 close frame went out after what was
    // queued. The client reads it unless the close handshake timed out first and the reset discarded the unread
    // bytes, close frame included: a race of TCP, not of the node, so the counter is the node's own word.
    expect(await metric(server, "xcord_gateway_slow_consumers_total")).toBe(1);
    const frame = await closing;
    if (frame) expect(frame).toEqual({ code: SLOW_CONSUMER.code, reason: SLOW_CONSUMER.reason });
    expect(MAX_BUFFERED_BYTES).toBe(1024 * 1024);
  }, 60_000);
});
