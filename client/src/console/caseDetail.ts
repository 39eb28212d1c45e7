/**
 * One case for staff: parties, claims, facts, evidence, progress, sessions
 * and invitations, follow-ups, ratings and the audit log, with the actions
 * its status allows (accept/reject, assign, schedule, conclude, follow-up).
 */
import { assignmentHints } from './assignOptions.ts';
import { ROOM_MODES, type Room, type RoomMode } from '../api.ts';
import {
  acceptCase,
  addFollowUp,
  assignCase,
  concludeCase,
  fetchEvidence,
  getAudit,
  getCase,
  listStaff,
  rejectCase,
  scheduleSession,
  type CaseDetail,
  type ConcludeStatus,
  type FollowUpChannel,
  type Outcome,
  type StaffMember,
} from '../caseApi.ts';
import { copyText } from '../clipboard.ts';
import { clear, h } from '../dom.ts';
import { bindText, formatYuan, modeKey, readableNote, roleKey, statusKey, t, type I18nKey } from '../i18n.ts';
import { formatBytes } from '../forms/evidence.ts';
import { parseAmount } from '../forms/validators.ts';
import {
  dateText,
  disputeChip,
  errorLine,
  colon,
  labelled,
  massBadge,
  panel,
  reportError,
  slaCell,
  statusBadge,
  type MountedView,
  withNote,
  type ViewContext,
} from './common.ts';
import { openDialog } from './dialog.ts';
import { clockCell, clocksPanel } from './clocks.ts';
import type { LiveCases } from './live.ts';
import { sessionsPanel } from './sessions.ts';
import { agreementsPanel } from './agreements.ts';
import { recordingsSection } from './recordings.ts';
import { collectivePanel } from './collectivePanel.ts';

export interface CaseDetailOptions extends ViewContext {
  caseId: string;
  live: LiveCases;
  onBack: () => void;
  onEnterRoom: (room: Room) => void;
}

const CHANNELS: FollowUpChannel[] = ['phone', 'visit', 'video', 'sms'];
const OUTCOMES: Outcome[] = ['agreement', 'award', 'withdrawn'];

function concludeTargets(status: string): ConcludeStatus[] {
  switch (status) {
    case 'accepted':
    case 'assigned':
    case 'scheduled':
      return ['closed'];
    case 'in_session':
      return ['agreement_signed', 'ruled', 'closed'];
    case 'agreement_signed':
    case 'ruled':
      return ['closed'];
    default:
      return [];
  }
}

function maskId(value: string): string {
  return value.length === 18 ? `${value.slice(0, 3)}***********${value.slice(14)}` : value.replace(/./g, '*');
}

/** datetime-local value for tomorrow 09:30 in local time. */
function defaultSessionTime(): string {
  const d = new Date(Date.now() + 86_400_000);
  d.setHours(9, 30, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function field(label: I18nKey, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: label }), control);
}

export function caseDetailView(opts: CaseDetailOptions): MountedView {
  const role = opts.staff()?.user.role ?? 'clerk';
  const isDesk = role === 'admin' || role === 'clerk';
  const blobUrls = new Map<string, string>();
  let destroyed = false;
  let staffCache: StaffMember[] | undefined;

  const header = h('div', { class: 'case-header' });
  const main = h('div', { class: 'case-main' });
  const side = h('aside', { class: 'case-side' });
  const topError = errorLine();
  const sessions = sessionsPanel(opts, { onEnter: opts.onEnterRoom });
  // Agreements signed online (server/documents): drafting, signing, downloads.
  const agreements = agreementsPanel(opts, opts.caseId);
  // Collective disputes: workers, representatives, consent, merging (collectivePanel.ts).
  const collective = collectivePanel(opts, opts.caseId, () => void load());
  const auditBody = h('div', { class: 'audit-body' });
  const auditPanel = panel('case.audit', auditBody);
  auditPanel.id = 'audit';

  const withBusy = async (button: HTMLButtonElement, error: HTMLElement, work: () => Promise<unknown>) => {
    error.hidden = true;
    button.disabled = true;
    const label = button.dataset.i18n as I18nKey | undefined;
    bindText(button, 'act.working');
    try {
      await work();
      await load();
    } catch (err) {
      reportError(err, error, opts);
    } finally {
      button.disabled = false;
      if (label) bindText(button, label);
    }
  };

  // ---------------------------------------------------------------- sections

  const partyBlock = (d: CaseDetail): HTMLElement => {
    const idText = h('span', { id: 'applicant-id-number', class: 'mono masked', text: maskId(d.applicant.idNumber) });
    const toggle = h('button', { class: 'btn btn-ghost btn-small', attrs: { type: 'button', 'aria-pressed': 'false' }, i18n: 'case.showId' });
    let shown = false;
    const flip = () => {
      shown = !shown;
      idText.textContent = shown ? d.applicant.idNumber : maskId(d.applicant.idNumber);
      idText.classList.toggle('masked', !shown);
      toggle.setAttribute('aria-pressed', String(shown));
      bindText(toggle, shown ? 'case.hideId' : 'case.showId');
    };
    toggle.addEventListener('click', flip);
    idText.addEventListener('click', flip);
    const agent = (a: { name: string; phone: string } | null) => (a ? `${a.name} · ${a.phone}` : '—');
    return panel(
      'case.parties',
      h(
        'div',
        { class: 'parties' },
        h(
          'dl',
          { class: 'kv-list' },
          h('h3', { class: 'panel-subtitle', i18n: 'case.applicant' }),
          labelled('case.name', d.applicant.name),
          labelled('case.idNumber', h('span', {}, idText, ' ', toggle)),
          labelled('case.phone', d.applicant.phone),
          labelled('case.address', d.applicant.address),
          labelled('case.agent', agent(d.applicant.agent)),
        ),
        h(
          'dl',
          { class: 'kv-list' },
          h('h3', { class: 'panel-subtitle', i18n: 'case.employer' }),
          labelled('case.name', h('span', {}, d.employer.name, d.massDispute ? ' ' : '', d.massDispute ? massBadge() : '')),
          labelled('case.creditCode', h('span', { class: 'mono', text: d.employer.creditCode })),
          labelled('case.address', d.employer.address),
          labelled('case.contact', d.employer.contact),
          labelled('case.agent', agent(d.employer.agent)),
        ),
      ),
    );
  };

  const claimsBlock = (d: CaseDetail): HTMLElement => {
    const table = (filedBy: string) => {
      const rows = d.claims.filter((c) => c.filedBy === filedBy);
      if (rows.length === 0) return h('p', { class: 'muted small', i18n: 'case.noClaims' });
      return h(
        'table',
        { class: 'data-table claims-table' },
        h(
          'tbody',
          {},
          ...rows.map((c, i) =>
            h('tr', {}, h('td', { class: 'num', text: `${i + 1}.` }), h('td', { text: c.description }), h('td', { class: 'num', text: `¥${formatYuan(c.amountCents)}` })),
          ),
        ),
      );
    };
    return panel(
      'case.claims',
      h('h3', { class: 'panel-subtitle', i18n: 'case.claimsApplicant' }),
      table('applicant'),
      h('h3', { class: 'panel-subtitle', i18n: 'case.claimsRespondent' }),
      table('respondent'),
      h(
        'dl',
        { class: 'totals' },
        labelled('case.claimTotal', `¥${formatYuan(d.claimedCents)}`),
        labelled('case.counterTotal', `¥${formatYuan(d.counterclaimedCents)}`),
        labelled('case.recovered', `¥${formatYuan(d.recoveredCents)}`),
      ),
    );
  };

  const evidenceBlob = async (id: string): Promise<string> => {
    const cached = blobUrls.get(id);
    if (cached) return cached;
    const blob = await fetchEvidence(opts.token(), opts.caseId, id);
    const url = URL.createObjectURL(blob);
    blobUrls.set(id, url);
    return url;
  };

  const evidenceBlock = (d: CaseDetail): HTMLElement => {
    const error = errorLine();
    if (d.evidence.length === 0) return panel('case.evidence', h('p', { class: 'muted', i18n: 'case.noEvidence' }));
    const items = d.evidence.map((e) => {
      const isImage = e.mimeType.startsWith('image/');
      const thumb = h('div', { class: 'evidence-thumb-lg' }, h('span', { class: 'evidence-doc', text: isImage ? '…' : 'PDF' }));
      if (isImage) {
        evidenceBlob(e.id)
          .then((url) => {
            clear(thumb);
            thumb.append(h('img', { attrs: { src: url, alt: e.fileName, loading: 'lazy' } }));
          })
          .catch(() => undefined);
      }
      const open = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: 'case.open' });
      open.addEventListener('click', () => {
        // Open the tab now (inside the click) so pop-up blockers allow it, then point it at the file.
        const tab = window.open('', '_blank');
        evidenceBlob(e.id)
          .then((url) => {
            if (tab) tab.location.href = url;
            else window.location.assign(url);
          })
          .catch((err: unknown) => {
            tab?.close();
            reportError(err, error, opts);
          });
      });
      const download = h('button', { class: 'btn btn-ghost btn-small', attrs: { type: 'button' }, i18n: 'case.download' });
      download.addEventListener('click', () => {
        evidenceBlob(e.id)
          .then((url) => {
            const a = h('a', { attrs: { href: url, download: e.fileName } });
            document.body.append(a);
            a.click();
            a.remove();
          })
          .catch((err: unknown) => reportError(err, error, opts));
      });
      return h(
        'li',
        { class: 'evidence-card', dataset: { evidenceId: e.id } },
        thumb,
        h(
          'div',
          { class: 'evidence-info' },
          h('div', { class: 'evidence-name', text: e.fileName }),
          h(
            'div',
            { class: 'muted small' },
            h('span', { i18n: `case.filedBy.${e.filedBy}` as I18nKey }),
            ` · ${formatBytes(e.sizeBytes)} · `,
            dateText(e.createdAt),
          ),
          h('div', { class: 'muted tiny mono', text: `SHA-256 ${e.sha256.slice(0, 16)}…`, attrs: { title: e.sha256 } }),
          h('div', { class: 'evidence-actions' }, open, download),
        ),
      );
    });
    return panel('case.evidence', h('ul', { class: 'evidence-grid' }, ...items), error);
  };

  const timelineBlock = (d: CaseDetail): HTMLElement =>
    panel(
      'case.timeline',
      h(
        'ol',
        { class: 'staff-timeline' },
        ...d.timeline.map((e) => {
          const key = statusKey(e.status);
          return h(
            'li',
            { dataset: { status: e.status } },
            dateText(e.at),
            h('strong', { ...(key ? { i18n: key } : { text: e.status }) }),
            e.note ? h('span', { class: 'muted', text: readableNote(e.note) }) : null,
          );
        }),
      ),
    );

  const followUpsBlock = (d: CaseDetail): HTMLElement =>
    panel(
      'case.followUps',
      d.followUps.length === 0
        ? h('p', { class: 'muted', i18n: 'case.noFollowUps' })
        : h(
            'ul',
            { class: 'plain-list' },
            ...d.followUps.map((f) =>
              h(
                'li',
                {},
                dateText(f.at),
                ' ',
                h('span', { class: 'chip', i18n: `channel.${f.channel}` as I18nKey }),
                ' ',
                h('span', { class: f.performed ? 'ok-text' : 'muted', i18n: f.performed ? 'case.performed' : 'case.notPerformed' }),
                h('p', { class: 'note', text: f.note }),
              ),
            ),
          ),
    );

  const ratingsBlock = (d: CaseDetail): HTMLElement =>
    panel(
      'case.ratings',
      d.ratings.length === 0
        ? h('p', { class: 'muted', i18n: 'case.noRatings' })
        : h(
            'ul',
            { class: 'plain-list' },
            ...d.ratings.map((r) =>
              h(
                'li',
                {},
                h('span', { class: 'stars-static', text: '★'.repeat(r.score) + '☆'.repeat(5 - r.score), attrs: { title: `${r.score}/5` } }),
                ' ',
                dateText(r.createdAt),
                r.comment ? h('p', { class: 'note', text: r.comment }) : null,
              ),
            ),
          ),
    );

  const loadAudit = async () => {
    try {
      const { entries } = await getAudit(opts.token(), opts.caseId);
      if (destroyed) return;
      clear(auditBody);
      if (entries.length === 0) {
        auditBody.append(h('p', { class: 'muted', i18n: 'case.noAudit' }));
        return;
      }
      auditBody.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table audit-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { i18n: 'audit.at' }),
                h('th', { i18n: 'audit.actor' }),
                h('th', { i18n: 'audit.action' }),
                h('th', { i18n: 'audit.detail' }),
                h('th', { i18n: 'audit.ip' }),
              ),
            ),
            h(
              'tbody',
              {},
              ...[...entries].reverse().map((e) => {
                const detailText = JSON.stringify(e.detail);
                return h(
                  'tr',
                  {},
                  h('td', { class: 'nowrap' }, dateText(e.at)),
                  h('td', {}, h('span', { text: e.actor }), h('span', { class: 'muted tiny', text: ` (${e.actorKind})` })),
                  h('td', { class: 'mono', text: e.action }),
                  h('td', { class: 'audit-detail mono', text: detailText === '{}' ? '' : detailText, attrs: { title: detailText } }),
                  h('td', { class: 'mono', text: e.ip ?? '—' }),
                );
              }),
            ),
          ),
        ),
      );
    } catch (err) {
      // Mediators may see the log; anyone else gets the error in place.
      const line = errorLine();
      clear(auditBody);
      auditBody.append(line);
      reportError(err, line, opts);
    }
  };

  // ----------------------------------------------------------------- actions

  const acceptBox = (d: CaseDetail): HTMLElement => {
    const error = errorLine();
    const accept = h('button', { id: 'accept-btn', class: 'btn btn-primary btn-block', attrs: { type: 'button' }, i18n: 'act.accept' });
    accept.addEventListener('click', () =>
      withBusy(accept, error, async () => {
        const { respondentCode } = await acceptCase(opts.token(), d.id);
        showRespondentCode(d.serialNumber, respondentCode);
      }),
    );
    const reason = h('textarea', { id: 'reject-reason', attrs: { rows: 2, maxlength: 500 } });
    const reject = h('button', { id: 'reject-btn', class: 'btn btn-secondary btn-block btn-danger-outline', attrs: { type: 'button' }, i18n: 'act.reject' });
    reject.addEventListener('click', () => {
      if (reason.value.trim().length < 2) {
        bindText(error, 'console.required');
        error.hidden = false;
        reason.focus();
        return;
      }
      void withBusy(reject, error, () => rejectCase(opts.token(), d.id, reason.value.trim()));
    });
    return h(
      'div',
      { class: 'action-box' },
      accept,
      h('details', { class: 'reject-box' }, h('summary', { i18n: 'act.reject' }), field('act.rejectReason', reason), reject),
      error,
    );
  };

  const assignBox = (d: CaseDetail): HTMLElement => {
    const error = errorLine();
    const select = h('select', { id: 'assign-select', attrs: { name: 'assignee' } });
    const button = h('button', {
      id: 'assign-btn',
      class: 'btn btn-primary',
      attrs: { type: 'button', disabled: true },
      i18n: d.assignedUserId ? 'act.reassign' : 'act.assign',
    });
    const hints = assignmentHints(opts.token(), d.id, select, d.assignedUserId);
    const fillStaff = (staff: StaffMember[]) => {
      const eligible = staff.filter(
        (s) => (s.role === 'mediator' || s.role === 'arbitrator') && !s.disabled && (s.organisationId === null || s.organisationId === d.organisationId),
      );
      clear(select);
      if (eligible.length === 0) {
        select.append(h('option', { attrs: { value: '' }, text: '—' }));
        bindText(error, 'act.noAssignees');
        error.hidden = false;
        return;
      }
      for (const s of eligible) {
        const rk = roleKey(s.role);
        select.append(
          h('option', { attrs: { value: s.id, selected: s.id === d.assignedUserId }, text: withNote(s.displayName, rk ? t(rk) : s.role) }),
        );
      }
      button.disabled = false;
      hints.apply();
    };
    if (staffCache) fillStaff(staffCache);
    else
      listStaff(opts.token())
        .then(({ staff }) => {
          staffCache = staff;
          fillStaff(staff);
        })
        .catch((err: unknown) => reportError(err, error, opts));
    button.addEventListener('click', () => {
      if (!select.value) return;
      void withBusy(button, error, () => assignCase(opts.token(), d.id, select.value));
    });
    return h(
      'div',
      { class: 'action-box' },
      h('h3', { class: 'panel-subtitle', i18n: 'act.assign' }),
      hints.el,
      field('act.assignTo', select),
      button,
      error,
    );
  };

  const scheduleBox = (d: CaseDetail): HTMLElement => {
    const error = errorLine();
    const mode = h(
      'select',
      { id: 'schedule-mode', attrs: { name: 'mode' } },
      ...ROOM_MODES.map((m) => h('option', { attrs: { value: m }, i18n: modeKey(m) ?? 'mode.face_to_face' })),
    );
    const at = h('input', { id: 'schedule-at', attrs: { type: 'datetime-local', name: 'scheduledAt', value: defaultSessionTime() } });
    const title = h('input', { id: 'schedule-title', attrs: { type: 'text', maxlength: 120, autocomplete: 'off' } });
    const button = h('button', { id: 'schedule-btn', class: 'btn btn-primary', attrs: { type: 'button' }, i18n: 'act.schedule' });
    button.addEventListener('click', () => {
      const when = at.value ? new Date(at.value) : undefined;
      if (!when || Number.isNaN(when.getTime())) {
        bindText(error, 'act.whenRequired');
        error.hidden = false;
        at.focus();
        return;
      }
      void withBusy(button, error, () =>
        scheduleSession(opts.token(), d.id, {
          mode: mode.value as RoomMode,
          scheduledAt: when.toISOString(),
          ...(title.value.trim() ? { title: title.value.trim() } : {}),
        }),
      );
    });
    return h(
      'div',
      { class: 'action-box' },
      h('h3', { class: 'panel-subtitle', i18n: 'act.schedule' }),
      field('act.scheduleMode', mode),
      field('act.scheduleAt', at),
      field('act.scheduleTitle', title),
      button,
      error,
    );
  };

  const concludeBox = (d: CaseDetail, targets: ConcludeStatus[]): HTMLElement => {
    const error = errorLine();
    const status = h(
      'select',
      { id: 'conclude-status' },
      ...targets.map((s) => h('option', { attrs: { value: s }, i18n: statusKey(s) ?? 'status.closed' })),
    );
    const outcome = h(
      'select',
      { id: 'conclude-outcome' },
      h('option', { attrs: { value: '' }, i18n: 'act.outcomeDefault' }),
      ...OUTCOMES.map((o) => h('option', { attrs: { value: o }, i18n: `outcome.${o}` as I18nKey })),
    );
    const amount = h('input', { id: 'conclude-amount', attrs: { type: 'text', inputmode: 'decimal', placeholder: '0.00' } });
    const note = h('input', { id: 'conclude-note', attrs: { type: 'text', maxlength: 500 } });
    const button = h('button', { id: 'conclude-btn', class: 'btn btn-secondary', attrs: { type: 'button' }, i18n: 'act.conclude' });
    button.addEventListener('click', () => {
      const raw = amount.value.trim();
      const recovered = raw === '' || raw === '0' ? (raw === '0' ? 0 : undefined) : parseAmount(raw);
      if (raw && raw !== '0' && recovered === undefined) {
        bindText(error, 'check.amount');
        error.hidden = false;
        amount.focus();
        return;
      }
      void withBusy(button, error, () =>
        concludeCase(opts.token(), d.id, {
          status: status.value as ConcludeStatus,
          ...(outcome.value ? { outcome: outcome.value as Outcome } : {}),
          ...(recovered !== undefined ? { recoveredAmount: recovered } : {}),
          ...(note.value.trim() ? { note: note.value.trim() } : {}),
        }),
      );
    });
    return h(
      'div',
      { class: 'action-box' },
      h('h3', { class: 'panel-subtitle', i18n: 'act.conclude' }),
      field('act.concludeStatus', status),
      field('act.outcome', outcome),
      field('act.recovered', amount),
      field('act.note', note),
      button,
      error,
    );
  };

  const followUpBox = (d: CaseDetail): HTMLElement => {
    const error = errorLine();
    const channel = h(
      'select',
      { id: 'followup-channel' },
      ...CHANNELS.map((c) => h('option', { attrs: { value: c }, i18n: `channel.${c}` as I18nKey })),
    );
    const performed = h('input', { id: 'followup-performed', attrs: { type: 'checkbox', checked: true } });
    const note = h('textarea', { id: 'followup-note', attrs: { rows: 2, maxlength: 1000 } });
    const button = h('button', { id: 'followup-btn', class: 'btn btn-secondary', attrs: { type: 'button' }, i18n: 'act.save' });
    button.addEventListener('click', () => {
      if (!note.value.trim()) {
        bindText(error, 'console.required');
        error.hidden = false;
        note.focus();
        return;
      }
      void withBusy(button, error, () =>
        addFollowUp(opts.token(), d.id, { channel: channel.value as FollowUpChannel, performed: performed.checked, note: note.value.trim() }),
      );
    });
    return h(
      'div',
      { class: 'action-box' },
      h('h3', { class: 'panel-subtitle', i18n: 'act.followUp' }),
      field('act.channel', channel),
      h('label', { class: 'check-row small' }, performed, h('span', { i18n: 'act.performed' })),
      field('act.followUpNote', note),
      button,
      error,
    );
  };

  const actions = (d: CaseDetail): HTMLElement => {
    const boxes: HTMLElement[] = [];
    if (d.status === 'submitted' && isDesk) boxes.push(acceptBox(d));
    if (['accepted', 'assigned', 'scheduled'].includes(d.status) && isDesk) boxes.push(assignBox(d));
    if (['assigned', 'scheduled', 'in_session'].includes(d.status) && d.assignedUserId) boxes.push(scheduleBox(d));
    const targets = concludeTargets(d.status);
    if (targets.length) boxes.push(concludeBox(d, targets));
    if (d.status !== 'submitted' && d.status !== 'rejected') boxes.push(followUpBox(d));
    return h(
      'section',
      { id: 'case-actions', class: 'panel case-panel actions-panel' },
      h('h2', { class: 'panel-title', i18n: 'case.actions' }),
      ...(boxes.length ? boxes : [h('p', { class: 'muted', i18n: 'case.noActions' })]),
    );
  };

  const showRespondentCode = (serialNumber: string, code: string) => {
    const url = `${location.origin}/counterclaim`;
    const copyLabel = h('span', { i18n: 'console.copy' });
    const copy = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' } }, copyLabel);
    copy.addEventListener('click', async () => {
      const ok = await copyText(code);
      bindText(copyLabel, ok ? 'console.copied' : 'console.copyFailed');
    });
    const body = h('p', { class: 'muted' });
    bindText(body, 'act.respondentCodeBody', { url });
    openDialog({
      id: 'respondent-code-dialog',
      title: 'act.acceptedTitle',
      body: [
        h('p', { class: 'dialog-lead', i18n: 'act.respondentCodeHint' }),
        h(
          'div',
          { class: 'code-block' },
          h('span', { class: 'code-label', i18n: 'act.respondentCode' }),
          h('div', { class: 'code-row' }, h('strong', { id: 'respondent-code', class: 'code-value', text: code }), copy),
          h('span', { class: 'muted small' }, h('span', { i18n: 'apply.serial' }), ` ${serialNumber}`),
        ),
        body,
      ],
    });
  };

  // ------------------------------------------------------------------ render

  const render = (d: CaseDetail) => {
    clear(header);
    const assigneeRole = d.assignee ? roleKey(d.assignee.role) : undefined;
    const assignee = d.assignee ? withNote(d.assignee.name, assigneeRole ? t(assigneeRole) : d.assignee.role) : null;
    header.append(
      h('a', { class: 'back-link', attrs: { href: '#/cases' } }, '← ', h('span', { i18n: 'case.back' })),
      h(
        'div',
        { class: 'case-title-row' },
        h('h1', { id: 'case-serial', class: 'case-title mono', text: d.serialNumber }),
        statusBadge(d.status),
        disputeChip(d.disputeType),
        d.massDispute ? massBadge() : null,
        slaCell(d),
        clockCell(d),
      ),
      h(
        'p',
        { class: 'case-sub muted' },
        h('span', { i18n: 'case.submittedAt' }),
        ' ',
        dateText(d.submittedAt),
        ' · ',
        h('span', { i18n: 'case.assignee' }),
        colon(),
        assignee ? h('strong', { id: 'case-assignee', text: assignee }) : h('span', { i18n: 'case.unassigned' }),
        d.outcome ? ' · ' : null,
        d.outcome ? h('span', { i18n: 'case.outcome' }) : null,
        d.outcome ? colon() : null,
        d.outcome ? h('span', { i18n: `outcome.${d.outcome}` as I18nKey }) : null,
      ),
      d.rejectionReason
        ? h('p', { class: 'alert alert-warn' }, h('strong', { i18n: 'case.rejectionReason' }), `${colon()}${d.rejectionReason}`)
        : '',
    );
    clear(main);
    main.append(
      clocksPanel(d, opts, () => void load()),
      partyBlock(d),
      claimsBlock(d),
      collective.el,
      panel('case.facts', h('p', { class: 'facts-text', text: d.facts })),
      evidenceBlock(d),
      sessions.el,
      agreements.el,
      recordingsSection(opts),
      timelineBlock(d),
      followUpsBlock(d),
      ratingsBlock(d),
      auditPanel,
    );
    sessions.update(d);
    agreements.update(d);
    collective.update(d);
    clear(side);
    side.append(actions(d));
  };

  // Every call fetches afresh; only the latest answer is drawn (a live push may overtake an action's reload).
  let sequence = 0;
  const load = async (): Promise<void> => {
    const mine = ++sequence;
    try {
      const d = await getCase(opts.token(), opts.caseId);
      if (destroyed || mine !== sequence) return;
      topError.hidden = true;
      render(d);
      document.body.dataset.caseStatus = d.status;
      void loadAudit();
    } catch (err) {
      if (!destroyed && mine === sequence) reportError(err, topError, opts);
    }
  };

  const offChange = opts.live.onChange((change) => {
    if (change.caseId === opts.caseId) void load();
  });

  header.append(h('a', { class: 'back-link', attrs: { href: '#/cases' } }, '← ', h('span', { i18n: 'case.back' })), h('p', { class: 'muted', i18n: 'case.loading' }));
  void load();

  const el = h(
    'section',
    { id: 'case-detail', class: 'console-wide case-detail', dataset: { caseId: opts.caseId } },
    header,
    topError,
    h('div', { class: 'case-layout' }, main, side),
  );
  return {
    el,
    destroy() {
      destroyed = true;
      offChange();
      agreements.destroy();
      delete document.body.dataset.caseStatus;
      for (const url of blobUrls.values()) URL.revokeObjectURL(url);
    },
  };
}
