/**
 * Real media without a browser: ffmpeg generates a test tone and a test
 * picture (Opus and VP8) and sends them as RTP into a mediasoup
 * PlainTransport producer, so recording tests run fast and headless.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';
import type { MediaPeer, ProducerAppData } from '../../server/media/mediaPeer.ts';
import type { MediaRoom } from '../../server/media/mediaRoom.ts';

export interface RtpSource {
  producers: types.Producer<ProducerAppData>[];
  stop(): void;
}

export async function startRtpSource(router: types.Router, peerId: string, ffmpegPath = 'ffmpeg'): Promise<RtpSource> {
  const streams = [
    { kind: 'audio' as const, source: 'mic' as const, pt: 111, ssrc: 11223344, mime: 'audio/opus', clockRate: 48000, channels: 2 },
    { kind: 'video' as const, source: 'camera' as const, pt: 96, ssrc: 22334455, mime: 'video/VP8', clockRate: 90000 },
  ];
  const producers: types.Producer<ProducerAppData>[] = [];
  const processes: ChildProcess[] = [];
  const transports: types.PlainTransport[] = [];
  for (const stream of streams) {
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    transports.push(transport);
    const producer = await transport.produce<ProducerAppData>({
      kind: stream.kind,
      rtpParameters: {
        codecs: [{ mimeType: stream.mime, payloadType: stream.pt, clockRate: stream.clockRate, ...(stream.channels ? { channels: stream.channels } : {}) }],
        encodings: [{ ssrc: stream.ssrc }],
      },
      appData: { peerId, source: stream.source },
    });
    producers.push(producer);
    const target = `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple?.localPort ?? transport.tuple.localPort + 1}&pkt_size=1200`;
    const input =
      stream.kind === 'audio'
        ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-c:a', 'libopus', '-ac', '2', '-b:a', '48k']
        : ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '30', '-pix_fmt', 'yuv420p'];
    processes.push(
      spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-re', ...input, '-payload_type', String(stream.pt), '-ssrc', String(stream.ssrc), '-f', 'rtp', target], {
        stdio: 'ignore',
      }),
    );
  }
  return {
    producers,
    stop() {
      for (const child of processes) child.kill('SIGKILL');
      // Closing the transports closes their producers too.
      for (const transport of transports) transport.close();
    },
  };
}

/** Puts synthetic producers into a live room as its peer's own, as `producer:create` would: recording and policy see them. */
export function addToRoom(media: MediaRoom, peer: MediaPeer, producers: types.Producer<ProducerAppData>[]): void {
  for (const producer of producers) {
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    media.emit('producerCreated', producer);
  }
}

/** A real producer that never receives a packet (a frozen phone), optionally with the codec parameters a hostile client sent. */
export async function silentProducer(
  router: types.Router,
  peerId: string,
  options: { source?: 'mic' | 'camera'; parameters?: Record<string, unknown> } = {},
): Promise<types.Producer<ProducerAppData>> {
  const source = options.source ?? 'camera';
  const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const codec =
    source === 'mic'
      ? { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }
      : { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 };
  const producer = await transport.produce<ProducerAppData>({
    kind: source === 'mic' ? 'audio' : 'video',
    rtpParameters: { codecs: [{ ...codec, parameters: options.parameters ?? {} } as types.RtpCodecParameters], encodings: [{ ssrc: 33445566 }] },
    appData: { peerId, source },
  });
  producer.observer.once('close', () => transport.close());
  return producer;
}
