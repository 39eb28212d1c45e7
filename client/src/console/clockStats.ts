/** Statistics: each statutory clock's compliance (met / missed / running), and how many cases are overdue or due soon. */
import type { ClockId, Statistics } from '../caseApi.ts';
import { h } from '../dom.ts';
import type { I18nKey } from '../i18n.ts';

const ORDER: ClockId[] = ['mediation', 'acceptance', 'service', 'answer', 'hearing_notice', 'award'];

export function compliancePanel(s: Statistics): HTMLElement | null {
  const st = s.statutory;
  if (!st) return null;
  const rows = ORDER.filter((id) => st.compliance[id]).map((id) => {
    const c = st.compliance[id]!;
    const total = c.met + c.missed + c.running;
    const rate = c.met + c.missed > 0 ? `${Math.round((c.met / (c.met + c.missed)) * 1000) / 10}%` : '—';
    return h(
      'tr',
      { class: 'clock-stat-row', dataset: { clock: id } },
      h('th', { attrs: { scope: 'row' }, i18n: `clock.${id}` as I18nKey, i18nAttrs: { title: `clock.rule.${id}` as I18nKey } }),
      h('td', { class: 'num clock-met', text: String(c.met) }),
      h('td', { class: `num clock-missed${c.missed ? ' is-bad' : ''}`, text: String(c.missed) }),
      h('td', { class: 'num clock-running', text: String(c.running) }),
      h('td', { class: 'num', text: rate }),
      h('td', { class: 'num muted', text: String(total) }),
    );
  });
  return h(
    'section',
    { id: 'clock-compliance', class: 'panel' },
    h('h2', { class: 'panel-title', i18n: 'stats.clocks' }),
    h(
      'p',
      { class: 'stat-inline' },
      h('span', { class: `badge ${st.statutoryOverdue ? 'badge-overdue' : 'badge-clock'}`, attrs: { id: 'stat-statutory-overdue' }, text: String(st.statutoryOverdue) }),
      ' ',
      h('span', { i18n: 'stats.statutoryOverdue' }),
      ' · ',
      h('span', { class: `badge ${st.dueSoon ? 'badge-due-soon' : 'badge-clock'}`, attrs: { id: 'stat-due-soon' }, text: String(st.dueSoon) }),
      ' ',
      h('span', { i18n: 'stats.dueSoon' }),
    ),
    rows.length === 0
      ? h('p', { class: 'muted', i18n: 'stats.none' })
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table clock-stats' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { i18n: 'clock.title' }),
                h('th', { class: 'num', i18n: 'stats.clockMet' }),
                h('th', { class: 'num', i18n: 'stats.clockMissed' }),
                h('th', { class: 'num', i18n: 'stats.clockRunning' }),
                h('th', { class: 'num', text: '%' }),
                h('th', { class: 'num', text: 'Σ' }),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        ),
  );
}
