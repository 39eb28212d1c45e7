/** A modal dialog over the console (focus kept inside, Esc and the button close it). */
import { h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';

export function openDialog(opts: { title: I18nKey; body: (HTMLElement | null)[]; closeLabel?: I18nKey; id?: string }): () => void {
  const previous = document.activeElement as HTMLElement | null;
  const close = h('button', {
    id: 'dialog-close',
    class: 'btn btn-primary',
    attrs: { type: 'button' },
    i18n: opts.closeLabel ?? 'common.close',
  });
  const titleId = `dlg-${Date.now()}`;
  const box = h(
    'div',
    { id: opts.id, class: 'dialog', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId } },
    h('h2', { id: titleId, class: 'dialog-title', i18n: opts.title }),
    ...opts.body,
    h('div', { class: 'dialog-actions' }, close),
  );
  const overlay = h('div', { class: 'dialog-overlay' }, box);
  const dismiss = () => {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    previous?.focus?.();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') dismiss();
    if (event.key === 'Tab') {
      const focusable = [...box.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href]')];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };
  close.addEventListener('click', dismiss);
  document.addEventListener('keydown', onKey, true);
  document.body.append(overlay);
  close.focus();
  return dismiss;
}
