/** Shared pieces of the public form pages: boot, copyable codes, a per-fill idempotency key and drafts. */
import { copyText } from '../clipboard.ts';
import { h, syncViewportHeight } from '../dom.ts';
import { bindText, setupLangToggle, type I18nKey } from '../i18n.ts';

export function bootPage(): HTMLElement {
  syncViewportHeight();
  setupLangToggle(document.getElementById('lang-btn') as HTMLButtonElement | null);
  return document.getElementById('app') as HTMLElement;
}

/** A large code (serial number, tracking code) with a copy button. */
export function codeBlock(label: I18nKey, value: string, id: string): HTMLElement {
  const copyLabel = h('span', { i18n: 'form.copy' });
  const button = h('button', { class: 'btn btn-secondary btn-small copy-btn', attrs: { type: 'button' } }, copyLabel);
  button.addEventListener('click', async () => {
    const ok = await copyText(value);
    bindText(copyLabel, ok ? 'form.copied' : 'form.copyFailed');
    setTimeout(() => bindText(copyLabel, 'form.copy'), 2_000);
  });
  return h(
    'div',
    { class: 'code-block' },
    h('div', { class: 'code-row' }, h('span', { class: 'code-label', i18n: label }), button),
    h('strong', { id, class: 'code-value code-value-big', text: value, attrs: { 'data-value': value } }),
  );
}

function storage(kind: 'session' | 'local'): Storage | undefined {
  try {
    return kind === 'session' ? sessionStorage : localStorage;
  } catch {
    return undefined;
  }
}

export function readStored<T>(key: string, kind: 'session' | 'local' = 'session'): T | undefined {
  try {
    const raw = storage(kind)?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function writeStored(key: string, value: unknown, kind: 'session' | 'local' = 'session'): void {
  try {
    if (value === undefined) storage(kind)?.removeItem(key);
    else storage(kind)?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: drafts just won't survive a reload.
  }
}

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older WebViews (and plain-http pages) lack randomUUID; build a v4 UUID from random bytes.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One key per filling of the form, kept for the tab's life: a double tap or a
 * retry after a dropped connection sends the same key, so the server files
 * the case once. Forgotten after success so the next form is a new case.
 */
export class IdempotencyKey {
  constructor(private readonly storageKey: string) {}

  get(): string {
    const saved = readStored<string>(this.storageKey);
    if (saved && /^[0-9a-f-]{36}$/i.test(saved)) return saved;
    const fresh = uuid();
    writeStored(this.storageKey, fresh);
    return fresh;
  }

  forget(): void {
    writeStored(this.storageKey, undefined);
  }
}

/** Saves a draft a moment after the last edit. */
export function debounce(fn: () => void, ms = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
