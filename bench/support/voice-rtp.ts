/** The sending side of `bench voice`: synthetic Opus RTP, paced like a microphone, from a UDP socket. */
import dgram from "node:dgram";

export const OPUS = { mimeType: "audio/opus", clockRate: 48000, channels: 2 } as const;
export const PAYLOAD_TYPE = 100;
export const SSRC = 0x5eed1234;
export const AUDIO_LEVEL_EXTENSION = { uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level", id: 1 } as const;
export const PACKET_MS = 20;
/** 160 bytes every 20 ms: 64 kbps of Opus payload. */
export const PAYLOAD_BYTES = 160;
const SAMPLES_PER_PACKET = (OPUS.clockRate / 1000) * PACKET_MS;

/** One Opus RTP packet: header, audio-level extension (voice, -30 dBov), payload. */
const rtpPacket = (seq: number, timestamp: number): Buffer => {
  const packet = Buffer.alloc(12 + 8 + PAYLOAD_BYTES, 0x5a);
  packet[0] = 0x90; // version 2, extension bit
  packet[1] = PAYLOAD_TYPE;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(SSRC, 8);
  packet.writeUInt16BE(0xbede, 12); // one-byte header extensions
  packet.writeUInt16BE(1, 14); // one 32-bit word of them
  packet[16] = AUDIO_LEVEL_EXTENSION.id << 4; // id, length - 1 = 0
  packet[17] = 0x80 | 30; // voice activity, level 30
  packet.fill(0, 18, 20); // padding
  return packet;
};

/**
 * Sends a packet every 20 ms to 127.0.0.1:`port`, catching up on timer lateness so the rate is exact. `sent` counts
 * packets (and is the next sequence number); a pause stops the clock, so resuming sends no burst and no gap.
 */
export const startRtpSender = (port: number) => {
  const socket = dgram.createSocket("udp4");
  let origin = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const sender = {
    sent: 0,
    pause() {
      clearInterval(timer);
      timer = undefined;
    },
    resume() {
      if (timer) return;
      origin = performance.now() - sender.sent * PACKET_MS;
      timer = setInterval(tick, PACKET_MS / 4);
    },
    close() {
      sender.pause();
      socket.close();
    },
  };
  const tick = () => {
    const due = Math.floor((performance.now() - origin) / PACKET_MS) + 1;
    for (; sender.sent < due; sender.sent++) {
      socket.send(rtpPacket(sender.sent, sender.sent * SAMPLES_PER_PACKET), port, "127.0.0.1");
    }
  };
  sender.resume();
  return sender;
};

export type RtpSender = ReturnType<typeof startRtpSender>;
