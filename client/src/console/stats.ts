/** Statistics: totals, success rate, amounts, overdue, bar charts by status/type/region, mass-dispute warnings. */
import { getStatistics, type Statistics } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, disputeKey, formatYuan, statusKey, type I18nArgs, type I18nKey } from '../i18n.ts';
import { errorLine, reportError, type MountedView, type ViewContext } from './common.ts';
import { compliancePanel } from './clockStats.ts';

function card(label: I18nKey, value: string, opts: { id?: string; hint?: I18nKey; tone?: 'warn' } = {}): HTMLElement {
  return h(
    'div',
    { class: `stat-card${opts.tone ? ` stat-${opts.tone}` : ''}` },
    h('span', { class: 'stat-label', i18n: label }),
    h('strong', { id: opts.id, class: 'stat-value', text: value }),
    opts.hint ? h('span', { class: 'muted tiny', i18n: opts.hint }) : null,
  );
}

function bars(title: I18nKey, counts: Record<string, number>, labelOf: (key: string) => I18nKey | undefined, id: string): HTMLElement {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h(
    'section',
    { id, class: 'panel chart-panel' },
    h('h2', { class: 'panel-title', i18n: title }),
    entries.length === 0
      ? h('p', { class: 'muted', i18n: 'stats.none' })
      : h(
          'ul',
          { class: 'bar-chart' },
          ...entries.map(([key, n]) => {
            const lk = labelOf(key);
            const fill = h('span', { class: `bar-fill bar-${key.replace(/[^a-z_]/gi, '')}` });
            // CSSOM rather than a style attribute, so a strict CSP would not block it.
            fill.style.width = `${Math.max(2, (n / max) * 100)}%`;
            return h(
              'li',
              { class: 'bar-row', dataset: { key } },
              h('span', { class: 'bar-label', attrs: { title: key }, ...(lk ? { i18n: lk } : { text: key }) }),
              h('span', { class: 'bar-track' }, fill),
              h('span', { class: 'bar-value', text: String(n) }),
            );
          }),
        ),
  );
}

function yuan(cents: number): string {
  return `¥${formatYuan(cents)}`;
}

export function statsView(ctx: ViewContext): MountedView {
  const body = h('div', { class: 'stats-body' }, h('p', { class: 'muted', i18n: 'common.loading' }));
  const error = errorLine();
  let destroyed = false;

  const render = (s: Statistics) => {
    clear(body);
    const rate = s.mediationSuccessRate === null ? '—' : `${Math.round(s.mediationSuccessRate * 1000) / 10}%`;
    const rules = h('p', { class: 'muted small' });
    bindText(rules, 'stats.rules', { minutes: s.rules.responseMinutes, days: s.rules.resolutionDays } satisfies I18nArgs);
    const massRule = h('p', { class: 'muted small' });
    bindText(massRule, 'stats.massRule', { n: s.rules.minCases, days: s.rules.windowDays });
    body.append(
      h(
        'div',
        { class: 'stat-cards' },
        card('stats.total', String(s.total), { id: 'stat-total' }),
        card('stats.successRate', rate, { id: 'stat-success', hint: 'stats.successHint' }),
        card('stats.claimed', yuan(s.claimedCents), { id: 'stat-claimed' }),
        card('stats.recovered', yuan(s.recoveredCents), { id: 'stat-recovered' }),
        card('stats.overdue', String(s.overdue), { id: 'stat-overdue', tone: s.overdue > 0 ? 'warn' : undefined }),
      ),
      rules,
      compliancePanel(s) ?? '',
      h(
        'div',
        { class: 'chart-grid' },
        bars('stats.byStatus', s.byStatus, statusKey, 'chart-status'),
        bars('stats.byType', s.byType, disputeKey, 'chart-type'),
        bars('stats.byRegion', s.byRegion, () => undefined, 'chart-region'),
      ),
      h(
        'section',
        { id: 'mass-disputes', class: 'panel' },
        h('h2', { class: 'panel-title', i18n: 'stats.mass' }),
        massRule,
        s.massDisputes.length === 0
          ? h('p', { class: 'muted', i18n: 'stats.noMass' })
          : h(
              'table',
              { class: 'data-table' },
              h(
                'thead',
                {},
                h('tr', {}, h('th', { i18n: 'stats.employer' }), h('th', { i18n: 'stats.creditCode' }), h('th', { class: 'num', i18n: 'stats.applications' })),
              ),
              h(
                'tbody',
                {},
                ...s.massDisputes.map((m) =>
                  h(
                    'tr',
                    { class: 'mass-row' },
                    h('td', {}, h('span', { class: 'badge badge-mass', i18n: 'cases.mass' }), ' ', m.employerName),
                    h('td', { class: 'mono', text: m.creditCode }),
                    h('td', { class: 'num', text: String(m.applications) }),
                  ),
                ),
              ),
            ),
      ),
    );
  };

  const load = () => {
    error.hidden = true;
    getStatistics(ctx.token())
      .then((s) => {
        if (!destroyed) render(s);
      })
      .catch((err: unknown) => {
        if (destroyed) return;
        clear(body);
        reportError(err, error, ctx);
      });
  };
  load();

  const el = h(
    'section',
    { class: 'console-wide' },
    h(
      'div',
      { class: 'panel-head page-head' },
      h('h1', { class: 'panel-title', i18n: 'stats.title' }),
      h('button', { id: 'refresh-stats-btn', class: 'btn btn-ghost', attrs: { type: 'button' }, i18n: 'console.refresh', on: { click: load } }),
    ),
    error,
    body,
  );
  return {
    el,
    destroy() {
      destroyed = true;
    },
  };
}
