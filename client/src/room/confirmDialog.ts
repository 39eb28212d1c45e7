/** A small modal question over the room (phone and console): a title, a body, and one button per answer. */
import { h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';
import { injectLifecycleCss } from './lifecycleCss.ts';

export interface DialogChoice {
  id: string;
  label: I18nKey;
  kind?: 'primary' | 'danger' | 'secondary';
  /** Return false to keep the dialog open (e.g. an error shown inside it). */
  onClick: () => void | boolean | Promise<void | boolean>;
}

export function askDialog(opts: { id: string; title: I18nKey; body?: I18nKey; extra?: HTMLElement[]; choices: DialogChoice[] }): () => void {
  injectLifecycleCss();
  document.getElementById(opts.id)?.remove();
  const previous = document.activeElement as HTMLElement | null;
  const titleId = `${opts.id}-title`;
  const buttons = opts.choices.map((choice) =>
    h('button', { id: choice.id, class: `btn btn-${choice.kind ?? 'secondary'}`, attrs: { type: 'button' }, i18n: choice.label }),
  );
  const box = h(
    'div',
    { class: 'dialog life-dialog', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId } },
    h('h2', { id: titleId, class: 'dialog-title', i18n: opts.title }),
    opts.body ? h('p', { class: 'life-dialog-body', i18n: opts.body }) : null,
    ...(opts.extra ?? []),
    h('div', { class: 'dialog-actions life-dialog-actions' }, ...buttons),
  );
  const overlay = h('div', { id: opts.id, class: 'dialog-overlay life-overlay' }, box);
  const close = () => {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    previous?.focus?.({ preventScroll: true });
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };
  buttons.forEach((button, i) =>
    button.addEventListener('click', async () => {
      const choice = opts.choices[i]!;
      for (const b of buttons) b.disabled = true;
      try {
        const keep = await choice.onClick();
        if (keep === false) return;
        close();
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    }),
  );
  overlay.addEventListener('click', (event) => {
    if (event.target === overlay) close();
  });
  document.addEventListener('keydown', onKey, true);
  document.body.append(overlay);
  buttons.at(-1)?.focus({ preventScroll: true });
  return close;
}
