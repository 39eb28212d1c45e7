/** The SDP that tells ffmpeg what arrives on its RTP port: built from the recording consumer's parameters. */
import type { types } from 'mediasoup';

export function recorderSdp(kind: 'audio' | 'video', rtpParameters: types.RtpParameters, rtpPort: number): string {
  const codec = rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  const [, name] = codec.mimeType.split('/');
  const rtpmap = `${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=Yunting recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${kind} ${rtpPort} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    `a=rtcp:${rtpPort + 1}`,
    'a=recvonly',
    '',
  ].join('\n');
}

/**
 * Matroska holds every codec we carry (Opus, VP8, H264) without transcoding,
 * and unlike WebM it may close a video cluster between keyframes, which
 * bounds what a crash can lose of the open segment to about a second.
 */
export function containerFor(_mimeType: string): 'mkv' {
  return 'mkv';
}
