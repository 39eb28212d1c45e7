/** The statutory clocks in the console: the inbox cell, the case panel with its steps and the award extension. */
import { extendAward, recordStep, type CaseClockView, type CaseDetail, type CaseSummary, type ClockState, type StatutoryClock } from '../caseApi.ts';
import { h } from '../dom.ts';
import { bindText, formatDate, type I18nKey } from '../i18n.ts';
import { errorLine, panel, reportError, type ViewContext } from './common.ts';

const clockName = (c: StatutoryClock) => `clock.${c.id}` as I18nKey;
const stateKey = (s: ClockState) => `clock.state.${s}` as I18nKey;
const pressing: ClockState[] = ['overdue', 'due_soon', 'running'];

function dueText(c: StatutoryClock): HTMLElement {
  const el = h('span', { class: 'clock-due' });
  if (!c.dueOn) el.textContent = '—';
  else bindText(el, c.id === 'hearing_notice' ? 'clock.hearingFrom' : 'clock.dueOn', { date: c.dueOn });
  return el;
}

export function limitationBadge(view: CaseClockView): HTMLElement | null {
  const w = view.limitation;
  if (!w) return null;
  return h('span', {
    class: `badge badge-limitation limitation-${w.code === 'LIMITATION_EXPIRED' ? 'expired' : 'near'}`,
    dataset: { limitation: w.code },
    i18n: `limitation.${w.code}` as I18nKey,
    i18nArgs: { date: w.expiredOn ?? w.expiresOn ?? '' },
    i18nAttrs: { title: 'limitation.explain' },
  });
}

/** Inbox cell: the most pressing of the organisation's clocks (red overdue, amber due soon), and the limitation warning. */
export function clockCell(row: Pick<CaseSummary, 'statutory'>): HTMLElement {
  const view = row.statutory;
  const wrap = h('span', { class: 'clock-cell', dataset: { urgency: view.urgency ?? 'none' } });
  const own = view.clocks.filter((c) => c.duty === 'organisation');
  const next = pressing.map((state) => own.find((c) => c.state === state)).find(Boolean);
  if (next) {
    const tone = next.state === 'overdue' ? 'badge-overdue' : next.state === 'due_soon' ? 'badge-due-soon' : 'badge-clock';
    wrap.append(
      h('span', { class: `badge ${tone}`, dataset: { clock: next.id, state: next.state }, i18n: clockName(next), i18nAttrs: { title: `clock.rule.${next.id}` as I18nKey } }),
      ' ',
      h('span', { class: 'muted small', i18n: stateKey(next.state) }),
      ' ',
      h('span', { class: 'muted small' }, dueText(next)),
    );
  } else if (view.arbitrationOpen) {
    wrap.append(h('span', { class: 'muted small', i18n: 'clock.mayArbitrate' }));
  } else {
    wrap.append('—');
  }
  const limitation = limitationBadge(view);
  if (limitation) wrap.append(h('br', {}), limitation);
  return wrap;
}

/** Case detail: every clock of the case's kind, the steps they wait for, and the one extension of the award period. */
export function clocksPanel(d: CaseDetail, ctx: ViewContext, reload: () => void): HTMLElement {
  const view = d.statutory;
  const role = ctx.staff()?.user.role ?? 'clerk';
  const error = errorLine();
  const rows = view.clocks.map((c) =>
    h(
      'tr',
      { class: `clock-row clock-${c.state}`, dataset: { clock: c.id, state: c.state } },
      h('th', { attrs: { scope: 'row' } }, h('span', { i18n: clockName(c) }), h('span', { class: 'muted tiny clock-rule', i18n: `clock.rule.${c.id}` as I18nKey })),
      h('td', {}, h('span', { class: `clock-state state-${c.state}`, i18n: stateKey(c.state) })),
      h(
        'td',
        {},
        dueText(c),
        c.extendedDays ? h('span', { class: 'muted tiny', i18n: 'clock.extended', i18nArgs: { n: c.extendedDays } }) : null,
      ),
    ),
  );
  const busy = (button: HTMLButtonElement, run: () => Promise<unknown>) => {
    button.disabled = true;
    error.hidden = true;
    run()
      .then(reload)
      .catch((err: unknown) => reportError(err, error, ctx))
      .finally(() => (button.disabled = false));
  };
  const controls = h('div', { class: 'clock-actions' });
  const arbitration = view.kind === 'arbitration';
  const open = !['rejected', 'closed', 'ruled', 'agreement_signed'].includes(d.status);
  const clock = (id: string) => view.clocks.find((c) => c.id === id);
  if (arbitration && open && d.acceptedAt) {
    for (const step of ['served', 'answered'] as const) {
      const target = clock(step === 'served' ? 'service' : 'answer');
      if (!target || !['running', 'due_soon', 'overdue'].includes(target.state)) continue;
      const button = h('button', { id: `step-${step}-btn`, class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: `clock.${step}` as I18nKey });
      button.addEventListener('click', () => busy(button, () => recordStep(ctx.token(), d.id, step)));
      controls.append(button);
    }
  }
  const award = clock('award');
  if (arbitration && open && d.acceptedAt && !view.extension && award && (role === 'clerk' || role === 'admin')) {
    const days = h('input', { id: 'extend-days', attrs: { type: 'number', min: 1, max: 15, value: 15, required: true } });
    const reason = h('input', { id: 'extend-reason', attrs: { type: 'text', maxlength: 500, required: true } });
    const by = h('input', { id: 'extend-by', attrs: { type: 'text', maxlength: 40, required: true } });
    const submit = h('button', { id: 'extend-submit', class: 'btn btn-primary btn-small', attrs: { type: 'submit' }, i18n: 'clock.extendSubmit' });
    const form = h(
      'form',
      { id: 'extend-form', class: 'extend-form', attrs: { hidden: true } },
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'clock.extendDays' }), days),
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'clock.extendReason' }), reason),
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'clock.approvedBy' }), by),
      submit,
    );
    const toggle = h('button', { id: 'extend-btn', class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: 'clock.extend' });
    toggle.addEventListener('click', () => {
      form.hidden = !form.hidden;
      if (!form.hidden) reason.focus();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(submit, () => extendAward(ctx.token(), d.id, { days: Number(days.value), reason: reason.value.trim(), approvedBy: by.value.trim() }));
    });
    controls.append(toggle, form);
  }
  const extension = view.extension
    ? h('p', {
        id: 'extension-note',
        class: 'alert alert-info',
        i18n: 'clock.extension',
        i18nArgs: { n: view.extension.days, by: view.extension.approvedBy, reason: view.extension.reason, date: formatDate(view.extension.approvedAt) },
      })
    : null;
  const limitation = limitationBadge(view);
  const body = h(
    'div',
    { id: 'clocks-panel' },
    h('p', { class: 'muted small', i18n: 'clock.intro' }),
    h('table', { class: 'data-table clock-table' }, h('tbody', {}, ...rows)),
    view.arbitrationOpen ? h('p', { class: 'alert alert-warn', i18n: 'clock.mayArbitrate' }) : null,
    extension,
    limitation ? h('p', { class: 'limitation-line' }, limitation, ' ', h('span', { class: 'muted small', i18n: 'limitation.explain' })) : null,
    controls.childNodes.length ? controls : null,
    error,
  );
  return panel('clock.title', body);
}

