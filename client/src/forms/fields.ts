/**
 * Form building blocks for the public pages: a labelled field with its own
 * error line, and a registry that maps the server's `field` paths
 * (`applicant.idNumber`, `claims`, …) to the place to show a message.
 */
import { h } from '../dom.ts';
import { bindText, type I18nArgs, type I18nKey } from '../i18n.ts';

/** A message from the dictionary, or text the server already wrote in the page's language. */
export type Message = { key: I18nKey; args?: I18nArgs } | { text: string };

export interface ErrorTarget {
  /** The element scrolled to and focused. */
  el: HTMLElement;
  setError(message: Message | undefined): void;
  focus?(): void;
}

export function showMessage(el: HTMLElement, message: Message): void {
  if ('key' in message) bindText(el, message.key, message.args);
  else {
    delete el.dataset.i18n;
    delete el.dataset.i18nArgs;
    el.textContent = message.text;
  }
}

export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FieldHandle<C extends Control = Control> extends ErrorTarget {
  control: C;
  /** A neutral/OK hint under the control (e.g. "looks valid"). */
  setHint(message: Message | undefined, tone?: 'ok' | 'info'): void;
}

let uid = 0;

export interface FieldOptions {
  label: I18nKey;
  required?: boolean;
  hint?: I18nKey;
  id?: string;
  /** The section title already says it; keep the label for screen readers only. */
  hideLabel?: boolean;
}

/** Wraps a control with its label, an optional hint and an error line wired for screen readers. */
export function field<C extends Control>(control: C, opts: FieldOptions): FieldHandle<C> {
  const id = opts.id ?? control.id ?? '';
  control.id = id || `f${++uid}`;
  const errorId = `${control.id}-error`;
  const hintId = `${control.id}-hint`;
  const error = h('p', { id: errorId, class: 'field-error', attrs: { role: 'alert', hidden: true } });
  const hint = h('p', { id: hintId, class: 'field-hint', attrs: { hidden: !opts.hint } });
  if (opts.hint) bindText(hint, opts.hint);
  control.setAttribute('aria-describedby', `${hintId} ${errorId}`);
  if (opts.required) control.setAttribute('aria-required', 'true');
  const labelEl = h(
    'label',
    { class: opts.hideLabel ? 'field-label visually-hidden' : 'field-label', attrs: { for: control.id } },
    h('span', { i18n: opts.label }),
    opts.required ? h('span', { class: 'req', text: ' *', attrs: { 'aria-hidden': 'true' } }) : null,
  );
  const wrap = h('div', { class: 'field' }, labelEl, control, hint, error);
  const handle: FieldHandle<C> = {
    el: wrap,
    control,
    setError(message) {
      wrap.classList.toggle('has-error', Boolean(message));
      control.toggleAttribute('aria-invalid', Boolean(message));
      error.hidden = !message;
      if (message) {
        showMessage(error, message);
        hint.hidden = true;
      } else {
        error.textContent = '';
        hint.hidden = !hint.textContent;
      }
    },
    setHint(message, tone = 'info') {
      hint.classList.toggle('field-hint-ok', tone === 'ok');
      if (message) showMessage(hint, message);
      else if (opts.hint) bindText(hint, opts.hint);
      else hint.textContent = '';
      hint.hidden = !hint.textContent || !error.hidden;
    },
    focus() {
      control.focus({ preventScroll: true });
    },
  };
  // Editing a field clears its complaint; checks run again on submit.
  control.addEventListener('input', () => {
    if (!error.hidden) handle.setError(undefined);
  });
  return handle;
}

export interface InputOptions {
  name: string;
  id?: string;
  type?: string;
  inputmode?: string;
  autocomplete?: string;
  maxlength?: number;
  placeholder?: I18nKey;
  /** Shown as the placeholder as is (not translated), e.g. an example number. */
  example?: string;
  autocapitalize?: string;
}

export function input(opts: InputOptions): HTMLInputElement {
  const el = h('input', {
    id: opts.id,
    attrs: {
      type: opts.type ?? 'text',
      name: opts.name,
      inputmode: opts.inputmode,
      autocomplete: opts.autocomplete ?? 'off',
      maxlength: opts.maxlength,
      placeholder: opts.example,
      autocapitalize: opts.autocapitalize,
      spellcheck: 'false',
    },
    i18nAttrs: opts.placeholder ? { placeholder: opts.placeholder } : undefined,
  });
  return el;
}

export function textarea(opts: { name: string; id?: string; maxlength?: number; rows?: number; placeholder?: I18nKey }): HTMLTextAreaElement {
  return h('textarea', {
    id: opts.id,
    attrs: { name: opts.name, maxlength: opts.maxlength, rows: opts.rows ?? 6 },
    i18nAttrs: opts.placeholder ? { placeholder: opts.placeholder } : undefined,
  });
}

/** A titled card section of a form. */
export function section(title: I18nKey, ...children: (Node | null | false | undefined)[]): HTMLElement {
  return h('section', { class: 'form-card' }, h('h2', { class: 'form-card-title', i18n: title }), ...children);
}

/**
 * Where each named field shows its error. A server path is matched exactly,
 * then by its nearest registered parent (`claims.0.amount` → `claims`), then a
 * parent path goes to its first registered child (`applicant` → `applicant.name`);
 * anything else lands in the form's general box.
 */
export class FormErrors {
  private readonly targets = new Map<string, ErrorTarget>();

  constructor(private readonly general: HTMLElement) {}

  register(path: string, target: ErrorTarget): void {
    this.targets.set(path, target);
  }

  private find(path: string | undefined): ErrorTarget | undefined {
    if (!path) return undefined;
    let candidate = path;
    for (;;) {
      const target = this.targets.get(candidate);
      if (target) return target;
      const dot = candidate.lastIndexOf('.');
      if (dot < 0) break;
      candidate = candidate.slice(0, dot);
    }
    // A parent path ("applicant") points at its first registered child.
    for (const [key, target] of this.targets) if (key.startsWith(`${path}.`)) return target;
    return undefined;
  }

  clear(): void {
    for (const target of this.targets.values()) target.setError(undefined);
    this.general.hidden = true;
    this.general.textContent = '';
  }

  /** Shows one message at its field (or in the general box) and returns where it went. */
  set(path: string | undefined, message: Message): HTMLElement {
    const target = this.find(path);
    if (target) {
      target.setError(message);
      return target.el;
    }
    this.showGeneral(message);
    return this.general;
  }

  showGeneral(message: Message, tone: 'error' | 'warn' = 'error'): void {
    this.general.className = `alert alert-${tone} form-alert`;
    showMessage(this.general, message);
    this.general.hidden = false;
  }

  /** Scrolls the first problem into view (below the sticky top bar) and focuses its control. */
  reveal(el: HTMLElement): void {
    el.scrollIntoView({ behavior: 'smooth', block: 'center' });
    const target = [...this.targets.values()].find((t) => t.el === el);
    target?.focus?.();
  }
}
