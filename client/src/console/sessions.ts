/**
 * A case's sessions (rooms) with "enter", and the invitation panel: pick a
 * session, name and role → link, QR code and 8-digit code; the session's
 * invitations with revoke.
 */
import { api, PARTY_ROLES, type PartyRole, type Room } from '../api.ts';
import { listInvitations, revokeInvitation, type CaseDetail, type InvitationView } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, modeKey, roleKey, t, type I18nKey } from '../i18n.ts';
import { dateText, errorLine, reportError, type ViewContext } from './common.ts';
import { inviteResult } from './invite.ts';

const TTL_MINUTES = [60, 240, 1440, 10080] as const;

export interface SessionsPanel {
  el: HTMLElement;
  update(detail: CaseDetail): void;
}

function invitationState(inv: InvitationView): I18nKey {
  if (inv.revokedAt) return 'inv.revoked';
  if (inv.redeemedAt) return 'inv.redeemed';
  if (Date.parse(inv.expiresAt) <= Date.now()) return 'inv.expired';
  return 'inv.pending';
}

export function sessionsPanel(ctx: ViewContext, opts: { onEnter: (room: Room) => void }): SessionsPanel {
  let detail: CaseDetail | undefined;
  const list = h('ul', { class: 'session-list' });
  const empty = h('p', { class: 'muted', i18n: 'case.noSessions' });

  // ------------------------------------------------------------ invitations
  const session = h('select', { id: 'invite-session', attrs: { name: 'session' } });
  const name = h('input', { id: 'invite-name', attrs: { type: 'text', name: 'displayName', maxlength: 40, autocomplete: 'off' } });
  const role = h(
    'select',
    { id: 'invite-role', attrs: { name: 'role' } },
    ...PARTY_ROLES.map((r) => h('option', { attrs: { value: r }, i18n: roleKey(r) ?? 'role.applicant' })),
  );
  const ttl = h(
    'select',
    { id: 'invite-ttl', attrs: { name: 'ttl' } },
    ...TTL_MINUTES.map((m) => h('option', { attrs: { value: m, selected: m === 1440 }, i18n: `console.ttl.${m}` as I18nKey })),
  );
  const submit = h('button', { id: 'invite-btn', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'console.generate' });
  const error = errorLine();
  const results = h('div', { class: 'invite-results' });
  const invitations = h('ul', { class: 'invitation-list' });
  const invitationsStatus = h('p', { class: 'muted small' });

  // The name follows the role until someone types one.
  let nameTouched = false;
  const suggestName = () => {
    if (nameTouched || !detail) return;
    name.value = role.value === 'applicant' ? detail.applicant.name : role.value === 'respondent' ? detail.employer.name : '';
  };
  name.addEventListener('input', () => (nameTouched = name.value.trim() !== ''));
  role.addEventListener('change', suggestName);

  const loadInvitations = async () => {
    const roomId = session.value;
    clear(invitations);
    if (!roomId) return;
    bindText(invitationsStatus, 'common.loading');
    invitationsStatus.hidden = false;
    try {
      const { invitations: rows } = await listInvitations(ctx.token(), roomId);
      if (session.value !== roomId) return;
      clear(invitations);
      for (const inv of [...rows].reverse()) invitations.append(invitationRow(inv));
      if (rows.length === 0) bindText(invitationsStatus, 'inv.none');
      invitationsStatus.hidden = rows.length > 0;
    } catch (err) {
      invitationsStatus.hidden = true;
      reportError(err, error, ctx);
    }
  };

  const invitationRow = (inv: InvitationView): HTMLElement => {
    const state = invitationState(inv);
    const revoke =
      state === 'inv.pending' || state === 'inv.redeemed'
        ? h('button', { class: 'btn btn-ghost btn-small revoke-btn', attrs: { type: 'button' }, i18n: 'inv.revoke' })
        : null;
    revoke?.addEventListener('click', () => {
      if (!confirm(t('inv.revokeConfirm'))) return;
      revoke.disabled = true;
      revokeInvitation(ctx.token(), inv.id)
        .then(() => loadInvitations())
        .catch((err: unknown) => {
          revoke.disabled = false;
          reportError(err, error, ctx);
        });
    });
    const rk = roleKey(inv.role);
    return h(
      'li',
      { class: `invitation-row is-${state.slice(4)}`, dataset: { invitationId: inv.id } },
      h('strong', { text: inv.displayName }),
      h('span', { class: 'chip', ...(rk ? { i18n: rk } : { text: inv.role }) }),
      h('span', { class: 'mono invitation-code', text: inv.shortCode }),
      h('span', { class: `inv-state inv-${state.slice(4)}`, i18n: state }),
      h('span', { class: 'muted small' }, h('span', { i18n: 'invite.expires' }), ' ', dateText(inv.expiresAt)),
      revoke,
    );
  };

  session.addEventListener('change', () => void loadInvitations());

  const form = h(
    'form',
    { id: 'invite-form', class: 'case-invite-form', attrs: { novalidate: true } },
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'inv.session' }), session),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteName' }), name),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteRole' }), role),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteTtl' }), ttl),
    h('div', { class: 'field field-submit' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const displayName = name.value.trim();
    if (!displayName) {
      bindText(error, 'console.required');
      error.hidden = false;
      name.focus();
      return;
    }
    submit.disabled = true;
    bindText(submit, 'console.generating');
    const partyRole = role.value as PartyRole;
    api
      .createInvitation(ctx.token(), session.value, { displayName, role: partyRole, ttlMinutes: Number(ttl.value) })
      .then(async (invitation) => {
        results.prepend(await inviteResult(displayName, partyRole, invitation));
        nameTouched = false;
        void loadInvitations();
      })
      .catch((err: unknown) => reportError(err, error, ctx))
      .finally(() => {
        submit.disabled = false;
        bindText(submit, 'console.generate');
      });
  });

  const invitePanel = h(
    'div',
    { id: 'invite-panel', class: 'invite-panel case-invite', attrs: { hidden: true } },
    h('h3', { class: 'panel-subtitle', i18n: 'inv.title' }),
    form,
    error,
    results,
    h('h4', { class: 'panel-subtitle small-title', i18n: 'inv.list' }),
    invitationsStatus,
    invitations,
  );

  const el = h('section', { id: 'sessions', class: 'panel case-panel' }, h('h2', { class: 'panel-title', i18n: 'case.sessions' }), empty, list, invitePanel);

  return {
    el,
    update(next: CaseDetail) {
      const first = !detail;
      detail = next;
      clear(list);
      const sessions = [...next.sessions];
      empty.hidden = sessions.length > 0;
      invitePanel.hidden = sessions.length === 0;
      for (const s of sessions) {
        const mk = modeKey(s.mode);
        const room: Room = { id: s.id, title: s.title, mode: s.mode, createdAt: s.scheduledAt ?? '', caseId: next.id, scheduledAt: s.scheduledAt };
        const started = h('span', { class: 'muted small' });
        if (s.startedAt) {
          bindText(started, 'case.startedAt', { time: dateText(s.startedAt).textContent ?? '' });
        }
        list.append(
          h(
            'li',
            { class: 'session-item', dataset: { roomId: s.id } },
            h(
              'div',
              { class: 'session-text' },
              h('div', { class: 'session-title', text: s.title }),
              h(
                'div',
                { class: 'session-meta' },
                h('span', { class: `chip chip-${s.mode}`, ...(mk ? { i18n: mk } : { text: s.mode }) }),
                h('span', {}, h('span', { class: 'muted small', i18n: 'case.scheduledFor' }), ' ', dateText(s.scheduledAt)),
                s.startedAt ? started : null,
              ),
            ),
            h(
              'div',
              { class: 'session-actions' },
              h('button', {
                class: 'btn btn-secondary btn-small invite-session-btn',
                attrs: { type: 'button' },
                i18n: 'case.inviteFor',
                on: {
                  click: () => {
                    session.value = s.id;
                    void loadInvitations();
                    invitePanel.scrollIntoView({ behavior: 'smooth', block: 'start' });
                    name.focus({ preventScroll: true });
                  },
                },
              }),
              h('button', {
                class: 'btn btn-primary btn-small enter-session-btn',
                attrs: { type: 'button' },
                dataset: { roomId: s.id },
                i18n: 'case.enter',
                on: { click: () => opts.onEnter(room) },
              }),
            ),
          ),
        );
      }
      // Keep the chosen session; a new one (just scheduled) becomes the default.
      const chosen = session.value;
      const known = new Set([...session.options].map((o) => o.value));
      clear(session);
      for (const s of [...sessions].reverse()) {
        session.append(h('option', { attrs: { value: s.id }, text: `${s.title}${s.scheduledAt ? ` · ${dateText(s.scheduledAt).textContent}` : ''}` }));
      }
      const fresh = sessions.find((s) => !known.has(s.id));
      session.value = fresh && !first ? fresh.id : chosen && sessions.some((s) => s.id === chosen) ? chosen : (sessions.at(-1)?.id ?? '');
      if (first || session.value !== chosen) {
        suggestName();
        void loadInvitations();
      }
    },
  };
}
