import type { types } from 'mediasoup';

/**
 * Opus and VP8 for everyone; H264 for devices whose hardware prefers it (older iPhones).
 * Opus carries in-band FEC (useinbandfec=1 in every answer, so senders add it
 * as soon as loss is reported) and DTX.
 */
export const mediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
