/**
 * /apply: the dates the one-year limitation period runs from (has the
 * employment ended, and when; when did the worker know), with the warning
 * shown as they are typed. The same rule as the server's
 * (server/cases/limitation.ts); it warns, it never blocks the application.
 */
import { h } from '../dom.ts';
import { bindText } from '../i18n.ts';
import { field, input, type FieldHandle } from '../forms/fields.ts';
import { limitationWarning } from '../../../server/cases/limitation.ts';

const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export interface EmploymentDraft {
  ended: boolean | null;
  endedOn: string;
  knewOn: string;
}

export function employmentSection(disputeType: () => string | undefined) {
  const yes = h('input', { id: 'employment-ended-yes', attrs: { type: 'radio', name: 'employmentEnded', value: 'yes' } });
  const no = h('input', { id: 'employment-ended-no', attrs: { type: 'radio', name: 'employmentEnded', value: 'no' } });
  const endedOn: FieldHandle<HTMLInputElement> = field(input({ name: 'endedOn', id: 'employment-ended-on', type: 'date' }), { label: 'apply.endedOn' });
  const knewOn: FieldHandle<HTMLInputElement> = field(input({ name: 'knewOn', id: 'knew-on', type: 'date' }), { label: 'apply.knewOn' });
  for (const handle of [endedOn, knewOn]) handle.control.max = chinaToday();
  const warning = h('div', { id: 'limitation-warning', class: 'alert alert-warn', attrs: { role: 'status', hidden: true } });
  const warningTitle = h('strong', {});
  warning.append(warningTitle, ' ', h('span', { i18n: 'limitation.explain' }));

  const ended = (): boolean | null => (yes.checked ? true : no.checked ? false : null);
  const update = () => {
    endedOn.el.hidden = ended() !== true;
    const found = limitationWarning(
      disputeType() ?? '',
      { ended: ended(), endedOn: endedOn.control.value || null, knewOn: knewOn.control.value || null },
      chinaToday(),
    );
    warning.hidden = !found;
    if (found) bindText(warningTitle, `limitation.${found.code}`, { date: found.code === 'LIMITATION_EXPIRED' ? found.expiredOn : found.expiresOn });
  };
  for (const el of [yes, no, endedOn.control, knewOn.control]) {
    el.addEventListener('change', update);
    el.addEventListener('input', update);
  }

  const el = h(
    'div',
    { class: 'employment-box' },
    h('p', { class: 'muted small', i18n: 'apply.employmentIntro' }),
    h('p', { class: 'field-label', i18n: 'apply.employmentEnded' }),
    h(
      'div',
      { class: 'choice-grid', attrs: { role: 'radiogroup' }, i18nAttrs: { 'aria-label': 'apply.employmentEnded' } },
      h('label', { class: 'choice', attrs: { for: yes.id } }, yes, h('span', { i18n: 'apply.ended.yes' })),
      h('label', { class: 'choice', attrs: { for: no.id } }, no, h('span', { i18n: 'apply.ended.no' })),
    ),
    endedOn.el,
    knewOn.el,
    warning,
  );
  update();

  return {
    el,
    endedOn,
    knewOn,
    update,
    draft: (): EmploymentDraft => ({ ended: ended(), endedOn: endedOn.control.value, knewOn: knewOn.control.value }),
    restore(draft: EmploymentDraft) {
      yes.checked = draft.ended === true;
      no.checked = draft.ended === false;
      endedOn.control.value = draft.endedOn ?? '';
      knewOn.control.value = draft.knewOn ?? '';
      update();
    },
    /** What the server gets: only the dates that were given. */
    body(): { ended: boolean | null; endedOn?: string; knewOn?: string } {
      return {
        ended: ended(),
        ...(ended() === true && endedOn.control.value ? { endedOn: endedOn.control.value } : {}),
        ...(knewOn.control.value ? { knewOn: knewOn.control.value } : {}),
      };
    },
  };
}
