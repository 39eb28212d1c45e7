/**
 * Evidence shown during a session: upload an image or PDF (phone camera,
 * gallery or file) with progress, list what the others shared and open it
 * (fetched with the participant's own credential, shown in a viewer).
 */
import type { SharedEvidence } from '../../../server/signalling/protocol.ts';
import { ApiError, apiUpload, requestLanguage } from '../api.ts';
import { clear, h } from '../dom.ts';
import { bindText, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import type { RoomSession } from './session.ts';
import { errorText, formatSize, shortClock } from './sessionText.ts';

const MAX_BYTES = 10 * 1024 * 1024;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const ACCEPT = [...IMAGE_TYPES, 'application/pdf', '.jpg', '.jpeg', '.png', '.webp', '.pdf'].join(',');

export interface EvidencePanelOptions {
  /** The participant's bearer token (party token or staff login). */
  token: () => string;
  roomId: () => string | undefined;
  /** Evidence belongs to a case; rooms without one cannot take any. */
  hasCase: boolean;
  /** Phones get separate "camera" and "gallery / file" buttons. */
  phone: boolean;
  /** Extra controls under the upload buttons (the console's screen share). */
  extra?: HTMLElement;
}

function acceptable(file: File): I18nKey | undefined {
  const type = file.type.toLowerCase();
  const name = file.name.toLowerCase();
  const known = IMAGE_TYPES.includes(type) || type === 'application/pdf' || (!type && /\.(jpe?g|png|webp|pdf)$/.test(name));
  if (!known) return 'ev.badType';
  if (file.size > MAX_BYTES) return 'ev.tooLarge';
  return undefined;
}

export class EvidencePanel {
  readonly el: HTMLElement;
  onUnread?: (count: number) => void;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly buttons: HTMLElement[] = [];
  private readonly items = new Map<string, SharedEvidence>();
  private readonly blobs = new Map<string, string>();
  private readonly off: () => void;
  private visible = false;
  private unread = 0;
  private uploading = false;
  private viewer?: HTMLElement;
  private viewerCleanup?: () => void;

  constructor(
    session: RoomSession,
    private readonly opts: EvidencePanelOptions,
  ) {
    this.list = h('ul', { class: 'shared-evidence', attrs: { 'aria-live': 'polite' } });
    this.empty = h('p', { class: 'muted small ev-empty', i18n: 'ev.none' });
    this.status = h('p', { class: 'ev-status small', attrs: { role: 'status', hidden: true } });
    this.progress = h('progress', { class: 'ev-progress', attrs: { max: 100, value: 0, hidden: true } });

    const fileInput = this.fileInput('evidence-file', false);
    const pickers: HTMLElement[] = [fileInput];
    const actions = h('div', { class: 'ev-actions' });
    if (opts.phone) {
      const cameraInput = this.fileInput('evidence-camera', true);
      pickers.push(cameraInput);
      actions.append(this.pickButton('evidence-camera', icons.photo, 'ev.takePhoto'), this.pickButton('evidence-file', icons.image, 'ev.pick'));
    } else {
      actions.append(this.pickButton('evidence-file', icons.upload, 'ev.upload'));
    }

    this.el = h(
      'div',
      { class: 'evidence-panel' },
      ...pickers,
      opts.hasCase ? actions : h('p', { class: 'muted small', i18n: 'ev.noCase' }),
      opts.hasCase ? h('p', { class: 'muted small ev-hint', i18n: 'ev.hint' }) : null,
      this.progress,
      this.status,
      opts.extra,
      this.empty,
      this.list,
    );
    this.off = session.on('evidence', (evidence) => this.add(evidence, false));
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.unread) {
      this.unread = 0;
      this.onUnread?.(0);
    }
  }

  destroy(): void {
    this.off();
    this.closeViewer();
    for (const url of this.blobs.values()) URL.revokeObjectURL(url);
    this.blobs.clear();
  }

  private fileInput(id: string, camera: boolean): HTMLInputElement {
    const input = h('input', {
      id,
      class: 'visually-hidden',
      attrs: camera
        ? { type: 'file', accept: 'image/*', capture: 'environment', tabindex: -1 }
        : { type: 'file', accept: ACCEPT, multiple: true, tabindex: -1 },
    });
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length) void this.upload(files);
    });
    return input;
  }

  private pickButton(inputId: string, icon: string, label: I18nKey): HTMLElement {
    const button = h(
      'button',
      { class: 'btn btn-secondary ev-pick', attrs: { type: 'button' }, dataset: { for: inputId } },
      h('span', { class: 'btn-icon', html: icon }),
      h('span', { i18n: label }),
    );
    button.addEventListener('click', () => document.getElementById(inputId)?.click());
    this.buttons.push(button);
    return button;
  }

  private async upload(files: File[]): Promise<void> {
    const roomId = this.opts.roomId();
    if (this.uploading || !roomId) return;
    for (const file of files) {
      const problem = acceptable(file);
      if (problem) return this.showStatus(problem, { name: file.name }, true);
    }
    const form = new FormData();
    for (const file of files) form.append('evidence', file, file.name);
    this.uploading = true;
    for (const b of this.buttons) b.setAttribute('disabled', '');
    this.progress.hidden = false;
    this.progress.value = 0;
    this.showStatus('ev.uploading', { percent: 0 });
    try {
      const result = await apiUpload<{ evidence: SharedEvidence[] }>(`/api/rooms/${encodeURIComponent(roomId)}/evidence`, form, {
        token: this.opts.token(),
        onProgress: (fraction) => {
          const percent = Math.round(fraction * 100);
          this.progress.value = percent;
          this.showStatus('ev.uploading', { percent });
        },
      });
      for (const evidence of result.evidence ?? []) this.add(evidence, true);
      this.showStatus('ev.uploaded');
    } catch (err) {
      this.showStatus('ev.failed', { message: errorText(err) }, true);
    } finally {
      this.uploading = false;
      this.progress.hidden = true;
      for (const b of this.buttons) b.removeAttribute('disabled');
    }
  }

  private showStatus(key: I18nKey, args?: Record<string, string | number>, error = false): void {
    bindText(this.status, key, args);
    this.status.classList.toggle('form-error', error);
    this.status.hidden = false;
  }

  private add(evidence: SharedEvidence, mine: boolean): void {
    if (this.items.has(evidence.id)) return;
    this.items.set(evidence.id, evidence);
    const isPdf = evidence.mimeType === 'application/pdf';
    const open = h('button', {
      class: 'btn btn-secondary btn-small evidence-open',
      attrs: { type: 'button' },
      i18n: 'ev.open',
      on: { click: () => void this.open(evidence, open) },
    });
    this.list.prepend(
      h(
        'li',
        { class: 'shared-item', dataset: { evidenceId: evidence.id, mime: evidence.mimeType } },
        h('span', { class: `shared-icon${isPdf ? ' pdf' : ''}`, html: isPdf ? icons.file : icons.image }),
        h(
          'span',
          { class: 'shared-text' },
          h('span', { class: 'shared-name', text: evidence.fileName, attrs: { title: evidence.fileName } }),
          h('span', { class: 'shared-meta', text: `${evidence.by} · ${shortClock(evidence.at)} · ${formatSize(evidence.sizeBytes)}` }),
        ),
        open,
      ),
    );
    this.empty.hidden = true;
    if (!mine && !this.visible) {
      this.unread++;
      this.onUnread?.(this.unread);
    }
  }

  private async open(evidence: SharedEvidence, button: HTMLButtonElement): Promise<void> {
    const roomId = this.opts.roomId();
    if (!roomId) return;
    let url = this.blobs.get(evidence.id);
    if (!url) {
      button.disabled = true;
      bindText(button, 'ev.opening');
      try {
        const response = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/evidence/${encodeURIComponent(evidence.id)}`, {
          headers: { authorization: `Bearer ${this.opts.token()}`, 'accept-language': requestLanguage() },
          cache: 'no-store',
        });
        if (!response.ok) {
          const body = (await response.json().catch(() => ({}))) as { message?: string };
          throw new ApiError(response.status, `HTTP_${response.status}`, body.message ?? response.statusText);
        }
        const blob = await response.blob();
        url = URL.createObjectURL(new Blob([blob], { type: evidence.mimeType }));
        this.blobs.set(evidence.id, url);
      } catch (err) {
        this.showStatus('ev.openFailed', { message: errorText(err) }, true);
        return;
      } finally {
        button.disabled = false;
        bindText(button, 'ev.open');
      }
    }
    this.showViewer(evidence, url);
  }

  private showViewer(evidence: SharedEvidence, url: string): void {
    this.closeViewer();
    const isPdf = evidence.mimeType === 'application/pdf';
    const close = h(
      'button',
      { id: 'evidence-viewer-close', class: 'viewer-close', attrs: { type: 'button' }, i18nAttrs: { 'aria-label': 'common.close' } },
      h('span', { html: icons.close }),
    );
    const download = h('a', { class: 'btn btn-secondary btn-small', attrs: { href: url, download: evidence.fileName }, i18n: 'ev.download' });
    const body = isPdf
      ? h('iframe', { class: 'viewer-pdf', attrs: { src: url, title: evidence.fileName } })
      : h('img', { class: 'viewer-image', attrs: { src: url, alt: evidence.fileName } });
    const viewer = h(
      'div',
      { id: 'evidence-viewer', class: 'viewer', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': evidence.fileName }, dataset: { evidenceId: evidence.id } },
      h('div', { class: 'viewer-bar' }, h('span', { class: 'viewer-title', text: evidence.fileName }), download, close),
      h('div', { class: 'viewer-body' }, body),
    );
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') this.closeViewer();
    };
    close.addEventListener('click', () => this.closeViewer());
    viewer.addEventListener('click', (event) => {
      if (event.target === viewer || (event.target as HTMLElement).classList.contains('viewer-body')) this.closeViewer();
    });
    document.addEventListener('keydown', onKey);
    this.viewerCleanup = () => document.removeEventListener('keydown', onKey);
    document.body.append(viewer);
    this.viewer = viewer;
    close.focus();
  }

  private closeViewer(): void {
    const viewer = this.viewer;
    if (!viewer) return;
    this.viewerCleanup?.();
    this.viewerCleanup = undefined;
    clear(viewer);
    viewer.remove();
    this.viewer = undefined;
  }

}
