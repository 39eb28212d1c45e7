/** The SDP that tells ffmpeg what arrives on its RTP port: built from the recording consumer's parameters. */
import type { types } from 'mediasoup';
import { MIME_TYPE, safeParameters } from '../media/rtpGrammar.ts';
import { RECORDER_IP } from './ports.ts';

/**
 * Every value that reaches the text is checked against a strict grammar
 * (server/media/rtpGrammar.ts): numbers must be integers, the codec name a
 * token, and codec parameters that do not follow the grammar are left out,
 * so nothing a party sent can start a line of its own.
 */
export function recorderSdp(kind: 'audio' | 'video', rtpParameters: types.RtpParameters, rtpPort: number): string {
  const codec = rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  if (kind !== 'audio' && kind !== 'video') throw new Error('unknown media kind');
  if (!MIME_TYPE.test(codec.mimeType)) throw new Error('consumer codec has a malformed mimeType');
  const integer = (n: unknown, min: number, max: number, what: string): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new Error(`consumer codec has a malformed ${what}`);
    return n;
  };
  const payloadType = integer(codec.payloadType, 0, 127, 'payloadType');
  const clockRate = integer(codec.clockRate, 1, 1_000_000, 'clockRate');
  const channels = codec.channels === undefined ? 1 : integer(codec.channels, 1, 8, 'channel count');
  const port = integer(rtpPort, 1024, 65534, 'port');
  const [, name] = codec.mimeType.split('/');
  const rtpmap = `${name}/${clockRate}${channels > 1 ? `/${channels}` : ''}`;
  const fmtp = safeParameters(codec.parameters)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${RECORDER_IP}`,
    's=Yunting recording',
    `c=IN IP4 ${RECORDER_IP}`,
    't=0 0',
    `m=${kind} ${port} RTP/AVP ${payloadType}`,
    `a=rtpmap:${payloadType} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${payloadType} ${fmtp}`] : []),
    `a=rtcp:${port + 1}`,
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
