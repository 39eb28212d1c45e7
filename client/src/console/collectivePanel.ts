/**
 * The case's collective dispute in the console: every worker with its ID
 * number, amount, how it joined and its consent to the version out for
 * signature; the representatives (saved as the workers elected them); staff
 * recording a consent given in writing or by phone; invitations for the
 * representatives; and the mass-dispute warning's merge proposal with
 * merge and unmerge.
 */
import type { CaseDetail } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { formatDate, formatYuan } from '../i18n.ts';
import { ck, ct } from '../locales/collective.ts';
import {
  getCollective,
  getMerge,
  inviteRepresentatives,
  mergeCases,
  recordConsent,
  setRepresentatives,
  unmergeCase,
  type CollectiveView,
  type MergeView,
} from '../collective/collectiveApi.ts';
import { errorLine, reportError, type ViewContext } from './common.ts';

export interface CollectivePanel {
  el: HTMLElement;
  update(detail: CaseDetail): void;
}

const CHANNELS = ['written', 'phone', 'in_person', 'video'] as const;

export function collectivePanel(ctx: ViewContext, caseId: string, onChanged: () => void): CollectivePanel {
  const el = h('section', { id: 'collective', class: 'panel case-panel collective-panel', attrs: { hidden: true } });
  let detail: CaseDetail | undefined;

  const busy = async (button: HTMLButtonElement, error: HTMLElement, work: () => Promise<unknown>) => {
    button.disabled = true;
    error.hidden = true;
    try {
      await work();
      onChanged();
    } catch (err) {
      reportError(err, error, ctx);
    } finally {
      button.disabled = false;
    }
  };

  const workersTable = (view: CollectiveView, error: HTMLElement): HTMLElement => {
    const reps = new Set(view.workers.filter((w) => w.representative).map((w) => w.id));
    const rows = view.workers.map((w, i) => {
      const box = h('input', { attrs: { type: 'checkbox', 'aria-label': `${ct('col.th.rep')} ${w.name}` }, dataset: { workerId: w.id } });
      box.checked = w.representative;
      box.addEventListener('change', () => (box.checked ? reps.add(w.id) : reps.delete(w.id)));
      const consentCell = h('td', { class: 'consent-cell' });
      if (w.consent) {
        consentCell.append(
          h('span', { class: 'badge badge-ok', text: w.consent.method === 'self' ? ct('col.consent.self') : ct('col.consent.recorded', { channel: ct(`col.channel.${w.consent.channel}` as never) }) }),
          h('span', { class: 'muted small', text: ` ${formatDate(w.consent.at)}` }),
        );
      } else if (view.agreement) {
        const channel = h('select', { attrs: { 'aria-label': ct('col.consent.channel') } }, ...CHANNELS.map((c) => h('option', { attrs: { value: c }, text: ct(`col.channel.${c}`) })));
        const note = h('input', { attrs: { type: 'text', maxlength: 300, placeholder: ct('col.consent.note'), 'aria-label': ct('col.consent.note') } });
        const record = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: ck('col.consent.record') });
        record.addEventListener('click', () =>
          void busy(record, error, () => recordConsent(ctx.token(), caseId, w.id, { documentId: view.agreement!.documentId, version: view.agreement!.version, channel: channel.value, note: note.value })),
        );
        consentCell.append(h('span', { class: 'muted', i18n: ck('col.consent.none') }), h('div', { class: 'consent-record' }, channel, note, record));
      } else consentCell.append(h('span', { class: 'muted', text: '—' }));
      const via = w.joinedVia === 'merge' ? ct('col.via.merge', { serial: w.sourceSerialNumber ?? '' }) : ct(`col.via.${w.joinedVia}`);
      return h(
        'tr',
        { dataset: { workerId: w.id } },
        h('td', { text: String(i + 1) }),
        h('td', { class: 'worker-name', text: w.name }),
        h('td', { class: 'mono', text: w.idNumber }),
        h('td', { class: 'num', text: formatYuan(w.amountCents) }),
        h('td', {}, box),
        h('td', { class: 'small', text: via }),
        consentCell,
      );
    });
    const save = h('button', { id: 'save-representatives', class: 'btn btn-secondary', attrs: { type: 'button' }, i18n: ck('col.saveReps') });
    save.addEventListener('click', () => void busy(save, error, () => setRepresentatives(ctx.token(), caseId, [...reps])));
    return h(
      'div',
      {},
      h(
        'table',
        { id: 'workers-table', class: 'data-table workers-table' },
        h('thead', {}, h('tr', {}, ...(['col.th.no', 'col.th.name', 'col.th.id', 'col.th.amount', 'col.th.rep', 'col.th.via', 'col.th.consent'] as const).map((key) => h('th', { i18n: ck(key) })))),
        h('tbody', {}, ...rows),
        h('tfoot', {}, h('tr', {}, h('td', {}), h('td', { i18n: ck('col.th.total') }), h('td', {}), h('td', { id: 'workers-total', class: 'num', text: formatYuan(view.totalCents) }), h('td', { attrs: { colspan: 3 } }))),
      ),
      h('p', { class: view.representativesOk ? 'muted small' : 'alert alert-warn', text: view.representativesOk ? ct('col.panel.repsRule') : `${ct('col.panel.repsBad')}：${ct('col.panel.repsRule')}` }),
      h('div', { class: 'form-actions', attrs: { style: 'margin-bottom:16px' } }, save),
    );
  };

  const invitesBlock = (view: CollectiveView, error: HTMLElement): HTMLElement | null => {
    const sessions = detail?.sessions.filter((s) => !s.startedAt) ?? [];
    if (!view.collective || sessions.length === 0) return null;
    const out = h('ul', { id: 'rep-invitations', class: 'invite-list' });
    const buttons = sessions.map((session) => {
      const button = h('button', { class: 'btn btn-secondary', attrs: { type: 'button' }, text: ct('col.invite.button', { title: session.title }) });
      button.addEventListener('click', () =>
        void busy(button, error, async () => {
          const { invitations } = await inviteRepresentatives(ctx.token(), caseId, session.id);
          clear(out);
          for (const inv of invitations) out.append(h('li', {}, h('strong', { text: inv.name }), ' ', h('span', { class: 'mono', text: inv.shortCode }), ' ', h('input', { class: 'mono share-url', attrs: { type: 'text', readonly: true, value: inv.url } })));
        }),
      );
      return button;
    });
    return h('div', {}, h('h3', { class: 'panel-subtitle', i18n: ck('col.invite.title') }), ...buttons, out);
  };

  const mergeBlock = (merge: MergeView, error: HTMLElement): HTMLElement | null => {
    const active = merge.merges.filter((m) => !m.unmergedAt);
    if (merge.candidates.length === 0 && active.length === 0) return null;
    const chosen = new Set<string>();
    const list = merge.candidates.map((c) => {
      const box = h('input', { attrs: { type: 'checkbox' }, dataset: { caseId: c.id } });
      box.addEventListener('change', () => (box.checked ? chosen.add(c.id) : chosen.delete(c.id)));
      box.disabled = !merge.canMerge;
      return h('li', { class: 'merge-candidate' }, h('label', {}, box, ' ', h('span', { class: 'mono', text: c.serialNumber }), ` ${c.applicantName} · ${formatYuan(c.claimedCents)}`));
    });
    const button = h('button', { id: 'merge-button', class: 'btn btn-primary', attrs: { type: 'button', disabled: !merge.canMerge || merge.candidates.length === 0 }, i18n: ck('col.merge.button') });
    button.addEventListener('click', () => void busy(button, error, () => mergeCases(ctx.token(), caseId, [...chosen])));
    const merged = active.map((m) => {
      const undo = h('button', { class: 'btn btn-ghost btn-small unmerge-button', attrs: { type: 'button', disabled: !merge.canMerge }, dataset: { caseId: m.sourceCaseId }, i18n: ck('col.merge.unmerge') });
      undo.addEventListener('click', () => void busy(undo, error, () => unmergeCase(ctx.token(), caseId, m.sourceCaseId)));
      return h('li', { class: 'merged-case' }, h('span', { class: 'mono', text: m.serialNumber }), ` ${m.applicantName} · `, h('span', { class: 'muted', i18n: ck('col.merge.merged') }), ' ', undo);
    });
    return h(
      'div',
      { id: 'merge-block' },
      h('h3', { class: 'panel-subtitle', i18n: ck('col.merge.title') }),
      merge.warning ? h('p', { id: 'merge-warning', class: 'alert alert-warn', text: ct('col.merge.warning', { n: merge.warning.applications }) }) : null,
      merge.canMerge ? null : h('p', { class: 'muted small', i18n: ck('col.merge.closed') }),
      list.length ? h('ul', { class: 'merge-list' }, ...list) : null,
      list.length ? button : null,
      merged.length ? h('ul', { class: 'merge-list' }, ...merged) : null,
    );
  };

  let sequence = 0;
  const load = async () => {
    const mine = ++sequence;
    const error = errorLine();
    try {
      const [view, merge] = await Promise.all([getCollective(ctx.token(), caseId), getMerge(ctx.token(), caseId)]);
      if (mine !== sequence) return;
      clear(el);
      const mergePart = mergeBlock(merge, error);
      el.hidden = !view.collective && !mergePart;
      el.append(h('h2', { class: 'panel-title', i18n: ck('col.panel.title') }));
      if (view.collective) {
        el.append(h('p', { id: 'collective-summary', class: 'collective-summary', text: ct('col.panel.summary', { n: view.workers.length, total: `¥${formatYuan(view.totalCents)}` }) }));
        if (view.agreement) {
          el.append(h('p', { id: 'consent-progress', class: 'alert alert-info', text: ct('col.consent.progress', { version: view.agreement.version, done: view.agreement.consented, n: view.workers.length }) }));
        }
        el.append(workersTable(view, error));
      }
      const invites = invitesBlock(view, error);
      if (invites) el.append(invites);
      if (mergePart) el.append(mergePart);
      el.append(error);
    } catch (err) {
      if (mine === sequence) {
        clear(el);
        el.append(error);
        reportError(err, error, ctx);
      }
    }
  };

  return {
    el,
    update(d) {
      detail = d;
      void load();
    },
  };
}
