/** Case inbox: status filter, table with deadlines and mass-dispute flags, refreshed live. */
import { CASE_STATUSES, listCases, type CaseStatus, type CaseSummary } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, statusKey } from '../i18n.ts';
import { dateText, disputeChip, massBadge, reportError, slaCell, statusBadge, type MountedView, type ViewContext } from './common.ts';
import type { LiveCases } from './live.ts';
import { clockCell } from './clocks.ts';

let savedFilter: CaseStatus | '' = '';

export function casesView(ctx: ViewContext & { live: LiveCases; onOpen: (caseId: string) => void }): MountedView {
  const filter = h(
    'select',
    { id: 'status-filter', attrs: { name: 'status' } },
    h('option', { attrs: { value: '' }, i18n: 'cases.all' }),
    ...CASE_STATUSES.map((s) => h('option', { attrs: { value: s }, i18n: statusKey(s) ?? 'cases.all' })),
  );
  filter.value = savedFilter;
  const count = h('span', { class: 'muted small', attrs: { 'aria-live': 'polite' } });
  const live = h('span', { class: 'live-indicator' });
  const status = h('p', { class: 'muted', attrs: { role: 'status' } });
  const error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  const tbody = h('tbody', {});
  const table = h(
    'table',
    { id: 'cases-table', class: 'data-table cases-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.serial' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.applicant' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.employer' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.type' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.status' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.submitted' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.sla' }),
        h('th', { attrs: { scope: 'col' }, i18n: 'cases.col.clocks' }),
      ),
    ),
    tbody,
  );

  let previous = new Map<string, string>();
  let loading = 0;

  const row = (c: CaseSummary, flash: boolean): HTMLElement => {
    const open = h('a', { class: 'case-link', attrs: { href: `#/case/${c.id}` }, text: c.serialNumber });
    const tr = h(
      'tr',
      {
        // Overdue and due-soon cases stand out: a red or amber edge on the whole row.
        class: `case-row${flash ? ' flash' : ''}${c.statutory.urgency ? ` urgent-${c.statutory.urgency}` : ''}`,
        dataset: { caseId: c.id, serial: c.serialNumber, status: c.status, urgency: c.statutory.urgency ?? 'none' },
      },
      h('td', { class: 'mono' }, open),
      h('td', { text: c.applicantName }),
      h('td', {}, h('span', { text: c.employerName }), c.massDispute ? ' ' : null, c.massDispute ? massBadge() : null),
      h('td', {}, disputeChip(c.disputeType)),
      h('td', {}, statusBadge(c.status)),
      h('td', {}, dateText(c.submittedAt)),
      h('td', {}, slaCell(c)),
      h('td', {}, clockCell(c)),
    );
    tr.addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('a')) return;
      ctx.onOpen(c.id);
    });
    return tr;
  };

  const load = async () => {
    const mine = ++loading;
    error.hidden = true;
    if (!tbody.firstChild) bindText(status, 'common.loading');
    try {
      const { cases } = await listCases(ctx.token(), filter.value as CaseStatus | '');
      if (mine !== loading) return;
      clear(tbody);
      const seen = new Map<string, string>();
      // Overdue first, then due soon, each in the server's order (newest first).
      const rank = (c: CaseSummary) => (c.statutory.urgency === 'overdue' ? 0 : c.statutory.urgency === 'due_soon' ? 1 : 2);
      for (const c of [...cases].sort((a, b) => rank(a) - rank(b))) {
        const changed = previous.size > 0 && previous.get(c.id) !== c.status;
        tbody.append(row(c, changed));
        seen.set(c.id, c.status);
      }
      previous = seen;
      bindText(count, 'cases.count', { n: cases.length });
      table.hidden = cases.length === 0;
      status.hidden = cases.length > 0;
      if (cases.length === 0) bindText(status, 'cases.empty');
    } catch (err) {
      if (mine !== loading) return;
      status.hidden = true;
      reportError(err, error, ctx);
    }
  };

  filter.addEventListener('change', () => {
    savedFilter = filter.value as CaseStatus | '';
    previous = new Map();
    void load();
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const offChange = ctx.live.onChange(() => {
    // Several changes arrive together (e.g. schedule + assign); reload once.
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void load(), 250);
  });
  const offStatus = ctx.live.onStatus((on) => {
    live.className = `live-indicator ${on ? 'is-live' : 'is-offline'}`;
    bindText(live, on ? 'cases.live' : 'cases.liveOff');
    // Coming back after a drop: catch up on what was missed.
    if (on && previous.size > 0) void load();
  });
  void load();

  const el = h(
    'section',
    { class: 'console-wide' },
    h(
      'div',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h1', { class: 'panel-title', i18n: 'cases.title' }),
        h(
          'div',
          { class: 'toolbar' },
          live,
          count,
          h('label', { class: 'inline-field' }, h('span', { class: 'field-label', i18n: 'cases.filterStatus' }), filter),
          h('button', {
            id: 'refresh-cases-btn',
            class: 'btn btn-ghost',
            attrs: { type: 'button' },
            i18n: 'console.refresh',
            on: { click: () => void load() },
          }),
        ),
      ),
      error,
      status,
      h('div', { class: 'table-wrap' }, table),
    ),
  );
  return {
    el,
    destroy() {
      if (timer) clearTimeout(timer);
      offChange();
      offStatus();
      loading++;
    },
  };
}
