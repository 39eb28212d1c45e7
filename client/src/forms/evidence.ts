/**
 * Evidence picker: photos or PDFs, ≤ 10 MB each, ≤ 10 files, checked here
 * too so a phone does not upload for minutes only to be refused. Shows a
 * thumbnail (images) or a document badge with name and size; each removable.
 */
import { clear, h } from '../dom.ts';
import { bindText, t } from '../i18n.ts';
import { showMessage, type ErrorTarget, type Message } from './fields.ts';

export const MAX_EVIDENCE_FILES = 10;
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const ACCEPT = [...IMAGE_TYPES, 'application/pdf', '.jpg', '.jpeg', '.png', '.webp', '.pdf'].join(',');

interface Picked {
  file: File;
  previewUrl?: string;
}

function kindOf(file: File): 'image' | 'pdf' | undefined {
  const type = file.type.toLowerCase();
  const name = file.name.toLowerCase();
  if (IMAGE_TYPES.includes(type) || (!type && /\.(jpe?g|png|webp)$/.test(name))) return 'image';
  if (type === 'application/pdf' || (!type && name.endsWith('.pdf'))) return 'pdf';
  return undefined;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export class EvidencePicker implements ErrorTarget {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private readonly error: HTMLElement;
  private readonly notes: HTMLElement;
  private picked: Picked[] = [];

  constructor(id = 'evidence-input') {
    this.input = h('input', {
      id,
      class: 'visually-hidden',
      attrs: { type: 'file', name: 'evidence', multiple: true, accept: ACCEPT },
    });
    this.input.addEventListener('change', () => {
      this.addFiles([...(this.input.files ?? [])]);
      // Lets the same file be picked again after removing it.
      this.input.value = '';
    });
    const pick = h('label', { class: 'btn btn-secondary btn-block evidence-pick', attrs: { for: id } }, h('span', { i18n: 'evidence.pick' }));
    this.list = h('ul', { class: 'evidence-list' });
    this.count = h('p', { class: 'field-hint evidence-count', attrs: { 'aria-live': 'polite' } });
    this.notes = h('ul', { class: 'evidence-notes', attrs: { role: 'status' } });
    this.error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    this.el = h(
      'div',
      { class: 'evidence' },
      h('p', { class: 'field-hint', i18n: 'evidence.hint' }),
      this.input,
      pick,
      this.notes,
      this.list,
      this.count,
      this.error,
    );
    this.render();
  }

  files(): File[] {
    return this.picked.map((p) => p.file);
  }

  addFiles(files: File[]): void {
    clear(this.notes);
    this.setError(undefined);
    for (const file of files) {
      let problem: Message | undefined;
      if (this.picked.length >= MAX_EVIDENCE_FILES) problem = { key: 'evidence.tooMany' };
      else if (!kindOf(file)) problem = { key: 'evidence.badType', args: { name: file.name } };
      else if (file.size === 0) problem = { key: 'evidence.empty', args: { name: file.name } };
      else if (file.size > MAX_EVIDENCE_BYTES) problem = { key: 'evidence.tooLarge', args: { name: file.name } };
      if (problem) {
        const note = h('li', { class: 'evidence-note' });
        showMessage(note, problem);
        this.notes.append(note);
        if ('key' in problem && problem.key === 'evidence.tooMany') break;
        continue;
      }
      // Picking the same photo twice is a common slip on phones.
      if (this.picked.some((p) => p.file.name === file.name && p.file.size === file.size && p.file.lastModified === file.lastModified)) continue;
      this.picked.push({ file, previewUrl: kindOf(file) === 'image' ? URL.createObjectURL(file) : undefined });
    }
    this.render();
  }

  private remove(item: Picked): void {
    if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.picked = this.picked.filter((p) => p !== item);
    clear(this.notes);
    this.render();
  }

  private render(): void {
    clear(this.list);
    for (const item of this.picked) {
      const thumb = item.previewUrl
        ? h('img', { class: 'evidence-thumb', attrs: { src: item.previewUrl, alt: '', loading: 'lazy', decoding: 'async' } })
        : h('span', { class: 'evidence-thumb evidence-doc', text: 'PDF', attrs: { 'aria-hidden': 'true' } });
      this.list.append(
        h(
          'li',
          { class: 'evidence-item' },
          thumb,
          h(
            'span',
            { class: 'evidence-meta' },
            h('span', { class: 'evidence-name', text: item.file.name }),
            h('span', { class: 'evidence-size muted small', text: formatBytes(item.file.size) }),
          ),
          h('button', {
            class: 'btn btn-ghost btn-small evidence-remove',
            attrs: { type: 'button', 'aria-label': t('evidence.removeLabel', { name: item.file.name }) },
            i18n: 'evidence.remove',
            on: { click: () => this.remove(item) },
          }),
        ),
      );
    }
    bindText(this.count, 'evidence.count', { n: this.picked.length });
    this.count.hidden = this.picked.length === 0;
  }

  setError(message: Message | undefined): void {
    this.el.classList.toggle('has-error', Boolean(message));
    this.error.hidden = !message;
    if (message) showMessage(this.error, message);
  }

  focus(): void {
    this.input.focus({ preventScroll: true });
  }

  reset(): void {
    for (const item of this.picked) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.picked = [];
    clear(this.notes);
    this.setError(undefined);
    this.render();
  }
}
