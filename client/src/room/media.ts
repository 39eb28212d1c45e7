/** Local capture helpers shared by the device check and the live session. */

export type Facing = 'user' | 'environment';

export interface CaptureChoice {
  audioDeviceId?: string;
  videoDeviceId?: string;
  facing?: Facing;
}

export type MediaErrorKind = 'denied' | 'notfound' | 'busy' | 'insecure' | 'unsupported' | 'other';

export function isMobile(): boolean {
  const ua = navigator.userAgent;
  // iPadOS reports itself as a Mac; touch points give it away.
  return /Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

export function isIos(): boolean {
  const ua = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

export function isWechat(): boolean {
  return /MicroMessenger/i.test(navigator.userAgent);
}

export function videoConstraints(choice: CaptureChoice = {}): MediaTrackConstraints {
  // Phones get 640×480 (two simulcast layers, top ~800 kbps); laptops 1280×720 (three).
  const size = isMobile() ? { width: { ideal: 640 }, height: { ideal: 480 } } : { width: { ideal: 1280 }, height: { ideal: 720 } };
  const constraints: MediaTrackConstraints = { ...size, frameRate: { ideal: 24, max: 30 } };
  if (choice.videoDeviceId) constraints.deviceId = { exact: choice.videoDeviceId };
  else constraints.facingMode = { ideal: choice.facing ?? 'user' };
  return constraints;
}

/**
 * Simulcast layers that Chromium actually sends at this capture size: it
 * sends at most two below 960×540 and three from there (a layer it will not
 * send would only cap what receivers can ask for). Phones (640×480) send
 * 320×240 and 640×480; laptops (1280×720) 320×180, 640×360 and 1280×720; a
 * smaller camera one layer. Each layer has three temporal layers (L1T3), so
 * the SFU can lower the frame rate on a weak link instead of freezing.
 */
export function cameraEncodings(track: MediaStreamTrack): RTCRtpEncodingParameters[] {
  const settings = track.getSettings?.() ?? {};
  const pixels = (settings.width ?? 640) * (settings.height ?? 480);
  if (pixels >= 960 * 540) {
    return [
      { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
    ];
  }
  if (pixels >= 480 * 270) {
    return [
      { scaleResolutionDownBy: 2, maxBitrate: 200_000 },
      { scaleResolutionDownBy: 1, maxBitrate: 800_000 },
    ];
  }
  return [{ maxBitrate: 300_000 }];
}

/**
 * The microphone goes first on a short link: Opus with in-band FEC (the
 * encoder adds it as soon as the SFU reports loss) and DTX, up to 40 kbps so
 * FEC has room next to speech, and the highest sender priority, so the
 * browser's bandwidth allocation starves video before audio.
 */
export function audioSendOptions() {
  return {
    encodings: [{ priority: 'high' as const, networkPriority: 'high' as const, maxBitrate: 40_000 }],
    codecOptions: { opusStereo: false, opusDtx: true, opusFec: true, opusMaxAverageBitrate: 40_000 },
  };
}

/**
 * On a weak uplink the camera trades resolution and frame rate evenly
 * ('balanced'): fewer, smaller frames rather than frozen ones.
 */
export async function tuneCameraSender(sender: RTCRtpSender | undefined): Promise<void> {
  if (!sender) return;
  try {
    const params = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
    params.degradationPreference = 'balanced';
    await sender.setParameters(params);
  } catch {
    // Older engines refuse the field; their default (balanced) is fine.
  }
}

export function audioConstraints(choice: CaptureChoice = {}): MediaTrackConstraints {
  const constraints: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (choice.audioDeviceId) constraints.deviceId = { exact: choice.audioDeviceId };
  return constraints;
}

export function mediaErrorKind(err: unknown): MediaErrorKind {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return window.isSecureContext ? 'denied' : 'insecure';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'notfound';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'TypeError':
      return canCapture() ? 'other' : 'unsupported';
    default:
      return 'other';
  }
}

export function canCapture(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export interface CaptureResult {
  stream: MediaStream;
  /** Why audio and/or video is missing, if it is. */
  audioError?: MediaErrorKind;
  videoError?: MediaErrorKind;
}

/**
 * Ask for microphone and camera together (one prompt), then fall back to
 * whichever of the two works so a missing camera never blocks a hearing.
 */
export async function capture(choice: CaptureChoice, want: { audio: boolean; video: boolean }): Promise<CaptureResult> {
  if (!window.isSecureContext) return { stream: new MediaStream(), audioError: 'insecure', videoError: 'insecure' };
  if (!canCapture()) return { stream: new MediaStream(), audioError: 'unsupported', videoError: 'unsupported' };
  const audio = want.audio ? audioConstraints(choice) : false;
  const video = want.video ? videoConstraints(choice) : false;
  if (!audio && !video) return { stream: new MediaStream() };

  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio, video }) };
  } catch (err) {
    const kind = mediaErrorKind(err);
    if (!audio || !video) {
      return { stream: new MediaStream(), audioError: audio ? kind : undefined, videoError: video ? kind : undefined };
    }
    const result: CaptureResult = { stream: new MediaStream() };
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio });
      for (const track of s.getTracks()) result.stream.addTrack(track);
    } catch (audioErr) {
      result.audioError = mediaErrorKind(audioErr);
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video });
      for (const track of s.getTracks()) result.stream.addTrack(track);
    } catch (videoErr) {
      result.videoError = mediaErrorKind(videoErr);
    }
    // Both failing the same way (typically a denied prompt) reports the original cause.
    if (result.audioError && result.videoError && result.audioError === result.videoError) {
      result.audioError = kind;
      result.videoError = kind;
    }
    return result;
  }
}

export async function captureTrack(kind: 'audio' | 'video', choice: CaptureChoice): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    kind === 'audio' ? { audio: audioConstraints(choice) } : { video: videoConstraints(choice) },
  );
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new DOMException('no track', 'NotFoundError');
  return track;
}

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  if (typeof navigator.mediaDevices?.enumerateDevices !== 'function') return { cameras: [], microphones: [] };
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    // Without permission, entries have empty ids and cannot be selected.
    return {
      cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId),
      microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId),
    };
  } catch {
    return { cameras: [], microphones: [] };
  }
}

export function trackFacing(track: MediaStreamTrack | undefined): Facing {
  const mode = track?.getSettings?.().facingMode;
  return mode === 'environment' ? 'environment' : 'user';
}

export function stopStream(stream: MediaStream | undefined): void {
  stream?.getTracks().forEach((t) => t.stop());
}

type AudioContextCtor = typeof AudioContext;
let sharedAudioContext: AudioContext | undefined;

function audioContext(): AudioContext | undefined {
  if (sharedAudioContext) return sharedAudioContext;
  const Ctor: AudioContextCtor | undefined =
    window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
  if (!Ctor) return undefined;
  sharedAudioContext = new Ctor();
  // Safari and Chrome start it suspended until a user gesture.
  const resume = () => void sharedAudioContext?.resume().catch(() => undefined);
  document.addEventListener('pointerdown', resume, { passive: true });
  document.addEventListener('keydown', resume);
  return sharedAudioContext;
}

/** Microphone level (0…1) via an AnalyserNode, reported once per animation frame. */
export class LevelMeter {
  private frame = 0;
  private source?: MediaStreamAudioSourceNode;
  private analyser?: AnalyserNode;

  constructor(track: MediaStreamTrack, onLevel: (level: number) => void) {
    const ctx = audioContext();
    if (!ctx) return;
    void ctx.resume().catch(() => undefined);
    this.source = ctx.createMediaStreamSource(new MediaStream([track]));
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 512;
    this.analyser.smoothingTimeConstant = 0.3;
    this.source.connect(this.analyser);
    const samples = new Uint8Array(this.analyser.fftSize);
    let smoothed = 0;
    const tick = () => {
      if (!this.analyser) return;
      this.analyser.getByteTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) {
        const v = (s - 128) / 128;
        sum += v * v;
      }
      const rms = Math.sqrt(sum / samples.length);
      // Map -60…0 dBFS onto 0…1; decay slowly so the bar is readable.
      const db = rms > 0 ? 20 * Math.log10(rms) : -100;
      const level = Math.min(1, Math.max(0, (db + 60) / 60));
      smoothed = level > smoothed ? level : smoothed * 0.85 + level * 0.15;
      onLevel(smoothed);
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.source?.disconnect();
    this.analyser?.disconnect();
    this.source = undefined;
    this.analyser = undefined;
  }
}
