/**
 * The receiving end of `bench voice`, in its own process so the counting never slows the sender or mediasoup's
 * channel: UDP sockets on loopback that every consumer transport sends to, counting each stream (SSRC) the way an
 * RTCP receiver report does (extended highest sequence number and packets received).
 *
 * Parent → child (IPC): `{ type: "snapshot" }`. Child → parent: `{ type: "ready", ports }` once, then
 * `{ type: "snapshot", streams: [ssrc, highestSeq, received][], cpuMicros }` per request.
 *
 *   bun run bench/support/voice-receiver.ts <sockets>
 */
import dgram from "node:dgram";

/** Deep socket buffers (the kernel caps them at net.core.rmem_max), so a GC pause does not drop packets here. */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;
const SEQ_MODULO = 65536;

interface Stream {
  /** Highest sequence number seen, extended with wrap-arounds (RFC 3550 A.1). */
  highest: number;
  received: number;
}

const streams = new Map<number, Stream>();

/** RTCP shares the port (rtcp-mux); its packet types 192-223 sit where RTP's marker bit + payload type would. */
const isRtcp = (packet: Buffer) => packet[1]! >= 192 && packet[1]! <= 223;

const count = (packet: Buffer) => {
  if (packet.length < 12 || isRtcp(packet)) return;
  const seq = packet.readUInt16BE(2);
  const ssrc = packet.readUInt32BE(8);
  const stream = streams.get(ssrc);
  if (!stream) {
    streams.set(ssrc, { highest: seq, received: 1 });
    return;
  }
  stream.received++;
  const cycles = stream.highest - (stream.highest % SEQ_MODULO);
  // The candidate closest to the current highest: a small step forward, a wrap-around, or a late packet.
  let extended = cycles + seq;
  if (extended < stream.highest - SEQ_MODULO / 2) extended += SEQ_MODULO;
  else if (extended > stream.highest + SEQ_MODULO / 2) extended -= SEQ_MODULO;
  if (extended > stream.highest) stream.highest = extended;
};

const bind = () =>
  new Promise<number>((resolve, reject) => {
    const socket = dgram.createSocket({ type: "udp4", recvBufferSize: RECV_BUFFER_BYTES });
    socket.on("message", count);
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve(socket.address().port));
  });

const sockets = Math.max(1, Number(process.argv[2] ?? 4));
const ports = await Promise.all(Array.from({ length: sockets }, bind));

process.on("message", (message: { type?: string }) => {
  if (message.type !== "snapshot") return;
  const usage = process.cpuUsage();
  process.send!({
    type: "snapshot",
    streams: [...streams].map(([ssrc, stream]) => [ssrc, stream.highest, stream.received]),
    cpuMicros: usage.user + usage.system,
  });
});
process.send!({ type: "ready", ports });
