/** Device check before entering: self view, mic level, device pickers, permission help. */
import { clear, h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import {
  capture,
  captureTrack,
  isIos,
  isWechat,
  LevelMeter,
  listDevices,
  stopStream,
  trackFacing,
  type CaptureChoice,
  type MediaErrorKind,
} from './media.ts';

export interface PreviewResult {
  audioTrack?: MediaStreamTrack;
  videoTrack?: MediaStreamTrack;
  choice: CaptureChoice;
}

export interface PreviewOptions {
  /** Shown above the self view (room / identity card). */
  header?: HTMLElement;
  joinLabel: I18nKey;
  onJoin: (result: PreviewResult) => void;
}

export class DevicePreview {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly placeholder: HTMLElement;
  private readonly meterFill: HTMLElement;
  private readonly meter: HTMLElement;
  private readonly selects: HTMLElement;
  private readonly status: HTMLElement;
  private readonly joinBtn: HTMLButtonElement;
  private audioTrack?: MediaStreamTrack;
  private videoTrack?: MediaStreamTrack;
  private levelMeter?: LevelMeter;
  private choice: CaptureChoice = {};
  private taken = false;
  private readonly onJoin: (result: PreviewResult) => void;

  constructor(opts: PreviewOptions) {
    this.onJoin = opts.onJoin;
    this.video = h('video', { class: 'preview-video', attrs: { autoplay: true, playsinline: true, muted: true } });
    this.video.muted = true;
    this.placeholder = h('div', { class: 'preview-placeholder', html: icons.cameraOff });
    this.meterFill = h('div', { class: 'meter-fill' });
    this.meter = h(
      'div',
      {
        class: 'meter',
        attrs: { role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 },
        i18nAttrs: { 'aria-label': 'preview.micLevel' },
      },
      this.meterFill,
    );
    this.selects = h('div', { class: 'device-selects' });
    this.status = h('div', { class: 'preview-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.joinBtn = h('button', {
      id: 'join-btn',
      class: 'btn btn-primary btn-big',
      attrs: { type: 'button', disabled: true },
      i18n: opts.joinLabel,
      on: { click: () => this.join() },
    });

    this.el = h(
      'section',
      { class: 'screen preview' },
      opts.header,
      h(
        'div',
        { class: 'preview-card' },
        h('h2', { class: 'preview-title', i18n: 'preview.title' }),
        h('p', { class: 'muted small', i18n: 'preview.hint' }),
        h('div', { class: 'preview-stage' }, this.video, this.placeholder),
        h(
          'div',
          { class: 'meter-row' },
          h('span', { class: 'meter-icon', html: icons.mic }),
          this.meter,
        ),
        this.selects,
        this.status,
        h(
          'p',
          { class: 'record-notice' },
          h('span', { class: 'rec-dot', html: icons.record }),
          h('span', { i18n: 'preview.recordNotice' }),
        ),
        this.joinBtn,
      ),
    );
  }

  /** Acquire camera + microphone and render; resolves once the user could press Join. */
  async start(): Promise<void> {
    this.setStatus([{ key: 'preview.requesting' }]);
    const result = await capture(this.choice, { audio: true, video: true });
    if (this.taken) {
      stopStream(result.stream);
      return;
    }
    this.audioTrack = result.stream.getAudioTracks()[0];
    this.videoTrack = result.stream.getVideoTracks()[0];
    this.renderTracks();
    this.renderProblems(result.audioError, result.videoError);
    await this.renderSelects();
    this.joinBtn.disabled = false;
  }

  /** Hands the capture tracks to the caller; the preview no longer owns them. */
  take(): PreviewResult {
    this.taken = true;
    this.levelMeter?.stop();
    this.levelMeter = undefined;
    this.video.srcObject = null;
    const result: PreviewResult = { audioTrack: this.audioTrack, videoTrack: this.videoTrack, choice: { ...this.choice } };
    this.audioTrack = undefined;
    this.videoTrack = undefined;
    return result;
  }

  destroy(): void {
    this.levelMeter?.stop();
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.audioTrack = undefined;
    this.videoTrack = undefined;
    this.video.srcObject = null;
    this.el.remove();
  }

  /** Same as pressing the Join button (used by ?autojoin=1). */
  join(): void {
    if (this.joinBtn.disabled) return;
    this.joinBtn.disabled = true;
    this.onJoin(this.take());
  }

  private renderTracks(): void {
    const hasVideo = !!this.videoTrack && this.videoTrack.readyState === 'live';
    this.el.classList.toggle('no-video', !hasVideo);
    if (hasVideo && this.videoTrack) {
      this.video.srcObject = new MediaStream([this.videoTrack]);
      this.video.classList.toggle('mirror', trackFacing(this.videoTrack) === 'user');
      void this.video.play().catch(() => undefined);
    } else {
      this.video.srcObject = null;
    }
    this.levelMeter?.stop();
    this.levelMeter = undefined;
    this.meter.classList.toggle('disabled', !this.audioTrack);
    if (this.audioTrack) {
      this.levelMeter = new LevelMeter(this.audioTrack, (level) => {
        const pct = Math.round(level * 100);
        this.meterFill.style.transform = `scaleX(${level.toFixed(3)})`;
        this.meter.setAttribute('aria-valuenow', String(pct));
      });
    }
  }

  private renderProblems(audioError?: MediaErrorKind, videoError?: MediaErrorKind): void {
    const errors = [audioError, videoError];
    if (errors.includes('insecure')) return this.setStatus([{ key: 'preview.insecure', tone: 'error' }]);
    if (errors.includes('unsupported')) return this.setStatus([{ key: 'preview.unsupported', tone: 'error' }]);
    if (errors.includes('denied')) return this.renderDenied();
    let key: I18nKey | undefined;
    if (errors.includes('busy')) key = 'preview.busy';
    else if (audioError && videoError) key = 'preview.noMedia';
    else if (videoError) key = 'preview.noCamera';
    else if (audioError) key = 'preview.noMic';
    this.setStatus(key ? [{ key, tone: 'warn' }] : [], !!key);
  }

  private renderDenied(): void {
    clear(this.status);
    const tips: I18nKey[] = [];
    if (isWechat()) tips.push('preview.deniedWechat');
    if (isIos()) tips.push('preview.deniedIos');
    else if (/Android/i.test(navigator.userAgent)) tips.push('preview.deniedAndroid');
    this.status.append(
      h(
        'div',
        { class: 'alert alert-error', attrs: { role: 'alert' } },
        h('strong', { class: 'alert-title', i18n: 'preview.deniedTitle' }),
        h('p', { i18n: 'preview.deniedBody' }),
        tips.length ? h('ul', { class: 'tips' }, ...tips.map((key) => h('li', { i18n: key }))) : null,
        this.retryButton(),
      ),
    );
  }

  private retryButton(): HTMLButtonElement {
    return h('button', {
      id: 'retry-media-btn',
      class: 'btn btn-secondary',
      attrs: { type: 'button' },
      i18n: 'common.retry',
      on: {
        click: () => {
          this.audioTrack?.stop();
          this.videoTrack?.stop();
          this.joinBtn.disabled = true;
          void this.start();
        },
      },
    });
  }

  private setStatus(lines: { key: I18nKey; tone?: 'warn' | 'error' }[], withRetry = false): void {
    clear(this.status);
    for (const line of lines) {
      this.status.append(
        h(
          'div',
          { class: `alert ${line.tone === 'error' ? 'alert-error' : line.tone === 'warn' ? 'alert-warn' : 'alert-info'}` },
          h('span', { i18n: line.key }),
        ),
      );
    }
    if (withRetry) this.status.append(this.retryButton());
  }

  private async renderSelects(): Promise<void> {
    clear(this.selects);
    const { cameras, microphones } = await listDevices();
    const currentVideo = this.videoTrack?.getSettings?.().deviceId;
    const currentAudio = this.audioTrack?.getSettings?.().deviceId;
    if (cameras.length > 1) {
      this.selects.append(this.select('camera', 'preview.camera', cameras, currentVideo, (id) => void this.changeDevice('video', id)));
    }
    if (microphones.length > 1) {
      this.selects.append(
        this.select('microphone', 'preview.microphone', microphones, currentAudio, (id) => void this.changeDevice('audio', id)),
      );
    }
  }

  private select(
    name: string,
    label: I18nKey,
    devices: MediaDeviceInfo[],
    current: string | undefined,
    onChange: (deviceId: string) => void,
  ): HTMLElement {
    const select = h(
      'select',
      { id: `${name}-select`, on: { change: () => onChange(select.value) } },
      ...devices.map((d, i) =>
        h('option', { text: d.label || `${name} ${i + 1}`, attrs: { value: d.deviceId, selected: d.deviceId === current } }),
      ),
    );
    return h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: label }), select);
  }

  private async changeDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    if (kind === 'audio') this.choice.audioDeviceId = deviceId;
    else this.choice.videoDeviceId = deviceId;
    const old = kind === 'audio' ? this.audioTrack : this.videoTrack;
    old?.stop();
    try {
      const track = await captureTrack(kind, this.choice);
      if (this.taken) {
        track.stop();
        return;
      }
      if (kind === 'audio') this.audioTrack = track;
      else this.videoTrack = track;
    } catch {
      if (kind === 'audio') this.audioTrack = undefined;
      else this.videoTrack = undefined;
      this.setStatus([{ key: kind === 'audio' ? 'preview.noMic' : 'preview.noCamera', tone: 'warn' }], true);
    }
    this.renderTracks();
  }
}
