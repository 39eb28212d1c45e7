/** ffmpeg command lines, as pure functions of what they record or compose. */

/** Copy one RTP stream into finished segments of bounded length, listing each segment as it completes. */
export function captureArgs(input: { sdpFile: string; segmentSeconds: number; listFile: string; segmentPattern: string; container: 'mkv' | 'webm'; listenIp: string }): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'file,udp,rtp',
    // RTP over loopback: a larger buffer rides out a busy moment without loss.
    '-buffer_size',
    '4194304',
    '-fflags',
    '+genpts',
    // Two seconds without a packet end the input, and ffmpeg then closes its files properly:
    // that is how a part ends when its producer or the whole server is gone.
    '-listen_timeout',
    '2',
    // The RTP and RTCP sockets bind this address only (ffmpeg's default is every interface).
    '-localaddr',
    input.listenIp,
    '-f',
    'sdp',
    '-i',
    input.sdpFile,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'segment',
    '-segment_time',
    String(input.segmentSeconds),
    '-segment_format',
    input.container === 'webm' ? 'webm' : 'matroska',
    // Close a cluster every second and write every packet through, so a crash loses at most a second of the open segment.
    '-segment_format_options',
    'cluster_time_limit=1000:flush_packets=1',
    '-segment_list',
    input.listFile,
    '-segment_list_type',
    'csv',
    '-reset_timestamps',
    '1',
    input.segmentPattern,
  ];
}

export interface ComposeInput {
  /** A concat list of one part's segments. */
  concatFile: string;
  kind: 'audio' | 'video';
  offsetSeconds: number;
  /** Grid cell for video. */
  cell?: number;
}

export interface ComposeLayout {
  cells: number;
  width: number;
  height: number;
}

export function gridLayout(cells: number): ComposeLayout & { columns: number; rows: number; cellWidth: number; cellHeight: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(cells)));
  const rows = Math.max(1, Math.ceil(cells / columns));
  const width = 1280;
  const height = 720;
  const even = (n: number) => Math.floor(n / 2) * 2;
  return { cells, width, height, columns, rows, cellWidth: even(width / columns), cellHeight: even(height / rows) };
}

/**
 * One playable file: every video part placed in its participant's cell at
 * its time offset, every audio part delayed to its offset and mixed,
 * chapters from the metadata file.
 */
export function composeArgs(input: { inputs: ComposeInput[]; cells: number; durationSeconds: number; chaptersFile: string; output: string }): string[] {
  const layout = gridLayout(input.cells);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1', '-y'];
  // Simulcast layer switches change a track's picture size mid-stream: scale absorbs that, instead
  // of the filter graph being rebuilt (which drops the tile for a while).
  input.inputs.forEach((part) => args.push(...(part.kind === 'video' ? ['-reinit_filter', '0'] : []), '-f', 'concat', '-safe', '0', '-i', part.concatFile));
  args.push('-f', 'ffmetadata', '-i', input.chaptersFile);
  const chaptersIndex = input.inputs.length;
  const filters: string[] = [`color=c=0x1e293b:s=${layout.width}x${layout.height}:r=25:d=${input.durationSeconds.toFixed(3)}[base0]`];
  let base = 'base0';
  const audio: string[] = [];
  input.inputs.forEach((part, i) => {
    if (part.kind === 'video') {
      const cell = part.cell ?? 0;
      const x = (cell % layout.columns) * layout.cellWidth;
      const y = Math.floor(cell / layout.columns) * layout.cellHeight;
      filters.push(
        `[${i}:v]setpts=PTS-STARTPTS+${part.offsetSeconds.toFixed(3)}/TB,` +
          `scale=${layout.cellWidth}:${layout.cellHeight}:force_original_aspect_ratio=decrease,` +
          `pad=${layout.cellWidth}:${layout.cellHeight}:(ow-iw)/2:(oh-ih)/2:color=0x0f172a[v${i}]`,
      );
      filters.push(`[${base}][v${i}]overlay=${x}:${y}:eof_action=pass:repeatlast=0[base${i + 1}]`);
      base = `base${i + 1}`;
    } else {
      const delay = Math.max(0, Math.round(part.offsetSeconds * 1000));
      filters.push(`[${i}:a]aresample=48000,adelay=${delay}:all=1[a${i}]`);
      audio.push(`[a${i}]`);
    }
  });
  filters.push(`[${base}]null[vout]`);
  if (audio.length > 0) filters.push(`${audio.join('')}amix=inputs=${audio.length}:duration=longest:normalize=0,apad,atrim=0:${input.durationSeconds.toFixed(3)}[aout]`);
  else filters.push(`anullsrc=r=48000:cl=mono,atrim=0:${input.durationSeconds.toFixed(3)}[aout]`);
  args.push(
    '-filter_complex',
    filters.join(';'),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    '-map_metadata',
    String(chaptersIndex),
    '-map_chapters',
    String(chaptersIndex),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-t',
    input.durationSeconds.toFixed(3),
    '-movflags',
    '+faststart',
    input.output,
  );
  return args;
}

/** ffmpeg's metadata file with one chapter per phase or private talk. */
export function chaptersFile(title: string, chapters: { title: string; startMs: number; endMs: number }[]): string {
  const escape = (value: string) => value.replace(/([=;#\\\n])/g, '\\$1');
  const lines = [';FFMETADATA1', `title=${escape(title)}`];
  for (const chapter of chapters) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(chapter.startMs)}`, `END=${Math.round(chapter.endMs)}`, `title=${escape(chapter.title)}`);
  }
  return `${lines.join('\n')}\n`;
}
