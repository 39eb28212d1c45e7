import { describe, expect, it } from 'vitest';
import { recorderSdp } from '../../server/recording/sdp.ts';
import { captureArgs, chaptersFile, composeArgs, gridLayout } from '../../server/recording/ffmpegArgs.ts';
import { chaptersFrom } from '../../server/recording/composer.ts';
import { parseSegmentList, recorderCapabilities } from '../../server/recording/trackRecorder.ts';
import { mediaCodecs } from '../../server/media/codecs.ts';
import { rtpParametersProblem } from '../../server/media/rtpGrammar.ts';

describe('recorder SDP', () => {
  it('describes an Opus stream on the given port, with its RTCP port', () => {
    const sdp = recorderSdp('audio', { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }], encodings: [{ ssrc: 1 }] }, 20000);
    expect(sdp).toContain('m=audio 20000 RTP/AVP 100');
    expect(sdp).toContain('a=rtpmap:100 opus/48000/2');
    expect(sdp).toContain('a=fmtp:100 useinbandfec=1');
    expect(sdp).toContain('a=rtcp:20001');
  });

  it('describes H264 with its packetization parameters', () => {
    const sdp = recorderSdp('video', { codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } }], encodings: [{ ssrc: 1 }] }, 20002);
    expect(sdp).toContain('a=rtpmap:102 H264/90000');
    expect(sdp).toContain('a=fmtp:102 packetization-mode=1;profile-level-id=42e01f');
  });
});

describe('recorder SDP against hostile codec parameters', () => {
  const opus = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters, ...extra }], encodings: [{ ssrc: 1 }] }) as never;
  const lines = (sdp: string) => sdp.trimEnd().split('\n').map((line) => line.split(/[:= ]/)[0]);

  it('leaves out parameters whose key or value could start a line or a parameter of their own', () => {
    const sdp = recorderSdp(
      'audio',
      opus({
        useinbandfec: 1,
        minptime: '10\r\na=rtpmap:100 L16/8000',
        'evil\nc=IN IP4 192.0.2.1': 1,
        'sprop-stereo': '1;x-injected=1',
        'Upper Case': 1,
        long: 'a'.repeat(101),
        usedtx: 'on',
      }),
      20000,
    );
    expect(sdp).toContain('a=fmtp:100 useinbandfec=1;usedtx=on');
    expect(sdp).not.toMatch(/192\.0\.2\.1|L16|x-injected|evil|Upper/);
    // Exactly the lines the builder writes, one each.
    expect(lines(sdp)).toEqual(['v', 'o', 's', 'c', 't', 'm', 'a', 'a', 'a', 'a']);
    expect(sdp.split('\r').length).toBe(1);
  });

  it('refuses a codec whose name, payload type or clock rate is not what a consumer carries', () => {
    expect(() => recorderSdp('audio', opus({}, { mimeType: 'audio/opus\r\na=x' }), 20000)).toThrow(/mimeType/);
    expect(() => recorderSdp('audio', opus({}, { payloadType: '100\na=x' }), 20000)).toThrow(/payloadType/);
    expect(() => recorderSdp('audio', opus({}, { clockRate: 48000.5 }), 20000)).toThrow(/clockRate/);
    expect(() => recorderSdp('audio', opus({}, { channels: '2\na=x' }), 20000)).toThrow(/channel/);
  });
});

describe('the codec grammar of producer:create', () => {
  const chrome = [
    { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1, 'sprop-stereo': 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] },
    { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'goog-remb', parameter: '' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
    { mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42e01f', 'x-google-start-bitrate': 1000 } },
  ];

  it('accepts what browsers send', () => {
    for (const codec of chrome) expect(rtpParametersProblem({ codecs: [codec] })).toBeUndefined();
  });

  it('refuses line breaks, separators and oversized input anywhere in a codec', () => {
    const bad = [
      { ...chrome[0], parameters: { useinbandfec: '1\r\na=recvonly' } },
      { ...chrome[0], parameters: { 'a\nb': 1 } },
      { ...chrome[0], parameters: { useinbandfec: '1;foo=2' } },
      { ...chrome[0], parameters: { useinbandfec: { nested: 1 } } },
      { ...chrome[0], parameters: { useinbandfec: 'x'.repeat(101) } },
      { ...chrome[0], parameters: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, i])) },
      { ...chrome[0], parameters: [1, 2] },
      { ...chrome[0], mimeType: 'audio/opus\r\na=x' },
      { ...chrome[0], mimeType: 42 },
      { ...chrome[1], rtcpFeedback: [{ type: 'nack\r\na=x' }] },
      { ...chrome[1], rtcpFeedback: [{ type: 'ccm', parameter: 'fir\n' }] },
      { ...chrome[1], rtcpFeedback: 'nack' },
    ];
    for (const codec of bad) expect(rtpParametersProblem({ codecs: [codec] }), JSON.stringify(codec)).toMatch(/codecs\[0\]/);
  });
});

describe('recorder capabilities', () => {
  it('leave out retransmission and feedback that ffmpeg cannot take', () => {
    const caps = recorderCapabilities({
      codecs: [
        ...mediaCodecs.map((c, i) => ({ ...c, preferredPayloadType: 100 + i, rtcpFeedback: [{ type: 'nack' }, { type: 'ccm', parameter: 'fir' }] })),
        { kind: 'video', mimeType: 'video/rtx', clockRate: 90000, preferredPayloadType: 110, parameters: { apt: 101 } },
      ],
      headerExtensions: [{ kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 4 }],
    } as never);
    expect(caps.codecs!.map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP8', 'video/H264']);
    expect(caps.codecs!.every((c) => c.rtcpFeedback!.length === 0)).toBe(true);
    expect(caps.headerExtensions).toEqual([]);
  });
});

describe('ffmpeg arguments', () => {
  it('capture copies into listed Matroska segments and ends on silence', () => {
    const args = captureArgs({ sdpFile: 'a.sdp', segmentSeconds: 10, listFile: 'l.csv', segmentPattern: 'seg-%05d.mkv', container: 'mkv', listenIp: '127.0.0.1' });
    // ffmpeg's RTP input binds loopback only, set before the input it applies to.
    expect(args.indexOf('-localaddr')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-localaddr') + 1]).toBe('127.0.0.1');
    expect(args.join(' ')).toContain('-c copy -f segment -segment_time 10 -segment_format matroska');
    expect(args.join(' ')).toContain('-listen_timeout 2');
    expect(args.join(' ')).toContain('-segment_list l.csv -segment_list_type csv');
  });

  it('composition places each video in its cell at its offset and delays each audio', () => {
    const args = composeArgs({
      inputs: [
        { concatFile: 'a.txt', kind: 'video', offsetSeconds: 1.5, cell: 0 },
        { concatFile: 'b.txt', kind: 'audio', offsetSeconds: 2 },
        { concatFile: 'c.txt', kind: 'video', offsetSeconds: 0, cell: 1 },
      ],
      cells: 2,
      durationSeconds: 12,
      chaptersFile: 'ch.txt',
      output: 'out.mp4',
    });
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[0:v]setpts=PTS-STARTPTS+1.500/TB');
    expect(graph).toContain('[1:a]aresample=48000,adelay=2000:all=1[a1]');
    expect(graph).toContain('overlay=640:0');
    expect(args).toContain('-map_chapters');
    expect(gridLayout(5)).toMatchObject({ columns: 3, rows: 2 });
  });

  it('writes chapters with escaped titles', () => {
    expect(chaptersFile('案件 1', [{ title: 'a=b', startMs: 0, endMs: 1000 }])).toContain('title=a\\=b');
  });
});

describe('chapters', () => {
  it('follow hearing phases and private talks without overlapping', () => {
    const chapters = chaptersFrom(
      [
        { kind: 'phase.changed', detail: { phase: 'opening' }, atMs: 0 },
        { kind: 'phase.changed', detail: { phase: 'mediation' }, atMs: 10_000 },
        { kind: 'private.started', detail: { side: 'applicant' }, atMs: 15_000 },
        { kind: 'private.ended', detail: { side: 'applicant' }, atMs: 20_000 },
      ],
      30_000,
      'hearing',
    );
    expect(chapters.map((c) => [c.title, c.startMs, c.endMs, c.confidential])).toEqual([
      ['开庭及身份核对', 0, 10_000, false],
      ['当庭调解', 10_000, 15_000, false],
      ['当庭调解 · 背对背（与申请人方单独沟通）', 15_000, 20_000, true],
      ['当庭调解', 20_000, 30_000, false],
    ]);
  });

  it('make one chapter for a plain mediation', () => {
    expect(chaptersFrom([], 5000, 'face_to_face').map((c) => c.title)).toEqual(['联合调解']);
  });
});

describe('segment list', () => {
  it('reads what ffmpeg lists as finished', () => {
    expect(parseSegmentList('seg-00000.mkv,0.000000,10.020000\nseg-00001.mkv,10.020000,20.000000\n')).toEqual([
      { file: 'seg-00000.mkv', start: 0, end: 10.02 },
      { file: 'seg-00001.mkv', start: 10.02, end: 20 },
    ]);
    expect(parseSegmentList('')).toEqual([]);
  });
});
