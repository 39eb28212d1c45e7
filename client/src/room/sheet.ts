/** A bottom sheet for the phone room: chat, evidence, "more", participants. */
import { h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';

export class Sheet {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  onToggle?: (open: boolean) => void;
  private opener?: HTMLElement | null;

  constructor(id: string, title: I18nKey, content: HTMLElement, opts: { tall?: boolean } = {}) {
    const close = h(
      'button',
      { class: 'sheet-close', attrs: { type: 'button' }, i18nAttrs: { 'aria-label': 'room.sheetClose' }, on: { click: () => this.close() } },
      h('span', { html: icons.close }),
    );
    const titleId = `${id}-title`;
    this.body = h('div', { class: 'sheet-body' }, content);
    const panel = h(
      'div',
      { class: `sheet${opts.tall ? ' sheet-tall' : ''}`, attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId } },
      h('div', { class: 'sheet-head' }, h('h2', { id: titleId, class: 'sheet-title', i18n: title }), close),
      this.body,
    );
    this.el = h('div', { id, class: 'sheet-backdrop', attrs: { hidden: true } }, panel);
    this.el.addEventListener('click', (event) => {
      if (event.target === this.el) this.close();
    });
    this.el.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  open(): void {
    if (this.isOpen) return;
    this.opener = document.activeElement as HTMLElement | null;
    this.el.hidden = false;
    this.el.querySelector<HTMLElement>('.sheet-close')?.focus({ preventScroll: true });
    // Listeners may move focus further in (the chat box).
    this.onToggle?.(true);
  }

  close(): void {
    if (!this.isOpen) return;
    this.el.hidden = true;
    this.onToggle?.(false);
    this.opener?.focus?.({ preventScroll: true });
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }
}
