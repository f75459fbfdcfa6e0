/**
 * Synthetic RTP for the SFU benchmarks: VP8 at about 1 Mbps (30 fps, a key frame every second) and
 * Opus at about 40 kbps, sent from Node to mediasoup PlainTransports on loopback.
 */
import dgram from 'node:dgram';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;
const VIDEO_FPS = 30;
const PACKETS_PER_FRAME = 4;
const VIDEO_PAYLOAD = 1_040; // 30 fps × 4 × 1040 B ≈ 1.0 Mbps
const AUDIO_PPS = 50;
const AUDIO_PAYLOAD = 100; // ≈ 40 kbps

export interface RtpStream {
  kind: 'audio' | 'video';
  ssrc: number;
  port: number;
}

interface StreamState extends RtpStream {
  seq: number;
  timestamp: number;
  pictureId: number;
  frames: number;
  dueAt: number;
}

/** Expected bitrate of one stream, RTP payload plus header, bits per second. */
export function expectedBitrate(kind: 'audio' | 'video'): number {
  return kind === 'video' ? VIDEO_FPS * PACKETS_PER_FRAME * (VIDEO_PAYLOAD + 16) * 8 : AUDIO_PPS * (AUDIO_PAYLOAD + 12) * 8;
}

export function videoRtpParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90_000, parameters: {}, rtcpFeedback: [] }],
    encodings: [{ ssrc }],
  };
}

export function audioRtpParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48_000, channels: 2, parameters: {}, rtcpFeedback: [] }],
    encodings: [{ ssrc }],
  };
}

/** Sends every stream at its rate from one UDP socket, catching up by wall clock when timers run late. */
export class RtpGenerator {
  private readonly socket = dgram.createSocket('udp4');
  private readonly streams: StreamState[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly filler = Buffer.alloc(VIDEO_PAYLOAD, 0xa5);
  packetsSent = 0;

  add(stream: RtpStream): void {
    this.streams.push({
      ...stream,
      seq: Math.floor(Math.random() * 60_000),
      timestamp: Math.floor(Math.random() * 2 ** 31),
      pictureId: Math.floor(Math.random() * 30_000),
      frames: 0,
      dueAt: performance.now() + Math.random() * 30,
    });
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), 5);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private tick(): void {
    const now = performance.now();
    for (const s of this.streams) {
      let sent = 0;
      // Never burst more than ten intervals' worth after a stall.
      while (s.dueAt <= now && sent++ < 10) {
        if (s.kind === 'video') this.sendFrame(s);
        else this.sendAudio(s);
      }
      if (s.dueAt < now - 200) s.dueAt = now;
    }
  }

  private sendFrame(s: StreamState): void {
    const key = s.frames % VIDEO_FPS === 0;
    for (let i = 0; i < PACKETS_PER_FRAME; i++) {
      const packet = Buffer.allocUnsafe(12 + 4 + VIDEO_PAYLOAD);
      this.header(packet, s, VIDEO_PT, i === PACKETS_PER_FRAME - 1);
      // VP8 payload descriptor: X=1, S=1 on the first packet, PartID 0; I=1 with a 15-bit picture id.
      packet[12] = i === 0 ? 0x90 : 0x80;
      packet[13] = 0x80;
      packet[14] = 0x80 | ((s.pictureId >> 8) & 0x7f);
      packet[15] = s.pictureId & 0xff;
      this.filler.copy(packet, 16);
      // VP8 payload header: bit 0 clear = key frame.
      if (i === 0) packet[16] = key ? 0x10 : 0x11;
      this.send(packet, s.port);
    }
    s.pictureId = (s.pictureId + 1) & 0x7fff;
    s.timestamp = (s.timestamp + 90_000 / VIDEO_FPS) >>> 0;
    s.frames++;
    s.dueAt += 1000 / VIDEO_FPS;
  }

  private sendAudio(s: StreamState): void {
    const packet = Buffer.allocUnsafe(12 + AUDIO_PAYLOAD);
    this.header(packet, s, AUDIO_PT, false);
    this.filler.copy(packet, 12, 0, AUDIO_PAYLOAD);
    this.send(packet, s.port);
    s.timestamp = (s.timestamp + 48_000 / AUDIO_PPS) >>> 0;
    s.dueAt += 1000 / AUDIO_PPS;
  }

  private header(packet: Buffer, s: StreamState, pt: number, marker: boolean): void {
    packet[0] = 0x80;
    packet[1] = (marker ? 0x80 : 0) | pt;
    packet.writeUInt16BE(s.seq, 2);
    packet.writeUInt32BE(s.timestamp, 4);
    packet.writeUInt32BE(s.ssrc, 8);
    s.seq = (s.seq + 1) & 0xffff;
  }

  private send(packet: Buffer, port: number): void {
    this.packetsSent++;
    this.socket.send(packet, port, '127.0.0.1');
  }
}
