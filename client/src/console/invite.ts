/** Invitation form: name + role + validity → link, copy button and QR code. */
import { toDataURL } from 'qrcode';
import { api, ApiError, PARTY_ROLES, type CreatedInvitation, type PartyRole } from '../api.ts';
import { h } from '../dom.ts';
import { bindDate, bindText, roleKey, type I18nKey } from '../i18n.ts';
import { icons } from '../icons.ts';
import { copyText } from '../clipboard.ts';

export { copyText };

export interface InviteFormOptions {
  roomId: string;
  token: () => string;
  onAuthError: () => void;
  compact?: boolean;
}

const TTL_MINUTES = [60, 240, 1440, 10080] as const;

export function inviteForm(opts: InviteFormOptions): HTMLElement {
  const name = h('input', {
    attrs: { type: 'text', name: 'displayName', required: true, maxlength: 40, autocomplete: 'off' },
  });
  const role = h(
    'select',
    { attrs: { name: 'role' } },
    ...PARTY_ROLES.map((r) => h('option', { attrs: { value: r }, i18n: roleKey(r) ?? 'role.applicant' })),
  );
  const ttl = h(
    'select',
    { attrs: { name: 'ttl' } },
    ...TTL_MINUTES.map((m) =>
      h('option', { attrs: { value: m, selected: m === 1440 }, i18n: `console.ttl.${m}` as I18nKey }),
    ),
  );
  const submit = h('button', { class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'console.generate' });
  const error = h('p', { class: 'form-error', attrs: { role: 'alert', hidden: true } });
  const results = h('div', { class: 'invite-results' });

  const form = h(
    'form',
    { class: `invite-form${opts.compact ? ' compact' : ''}`, attrs: { novalidate: true } },
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteName' }), name),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteRole' }), role),
    h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteTtl' }), ttl),
    h('div', { class: 'field field-submit' }, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const displayName = name.value.trim();
    error.hidden = true;
    if (!displayName) {
      bindText(error, 'console.required');
      error.hidden = false;
      name.focus();
      return;
    }
    submit.disabled = true;
    bindText(submit, 'console.generating');
    api
      .createInvitation(opts.token(), opts.roomId, {
        displayName,
        role: role.value as PartyRole,
        ttlMinutes: Number(ttl.value),
      })
      .then(async (invitation) => {
        results.prepend(await inviteResult(displayName, role.value as PartyRole, invitation));
        name.value = '';
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.isAuth) return opts.onAuthError();
        bindText(error, 'console.loadFailed', { message: err instanceof Error ? err.message : String(err) });
        error.hidden = false;
      })
      .finally(() => {
        submit.disabled = false;
        bindText(submit, 'console.generate');
      });
  });

  return h('div', { class: 'invite-panel' }, h('h3', { class: 'panel-title', i18n: 'console.inviteTitle' }), form, error, results);
}

/** One issued invitation: QR code, link with copy button, the 8-digit code and the expiry. */
export async function inviteResult(name: string, role: PartyRole, invitation: CreatedInvitation): Promise<HTMLElement> {
  const { url, expiresAt, shortCode } = invitation;
  const link = h('input', {
    class: 'invite-link invite-url',
    attrs: { type: 'text', readonly: true, value: url },
    i18nAttrs: { 'aria-label': 'console.inviteLink' },
  });
  link.addEventListener('focus', () => link.select());
  const copyLabel = h('span', { i18n: 'console.copy' });
  const copy = h(
    'button',
    { class: 'btn btn-secondary copy-btn', attrs: { type: 'button' } },
    h('span', { html: icons.copy }),
    copyLabel,
  );
  copy.addEventListener('click', async () => {
    const ok = await copyText(url, link);
    bindText(copyLabel, ok ? 'console.copied' : 'console.copyFailed');
    setTimeout(() => bindText(copyLabel, 'console.copy'), 2_000);
  });

  let qr: HTMLElement | null = null;
  try {
    const dataUrl = await toDataURL(url, { width: 168, margin: 1, errorCorrectionLevel: 'M' });
    qr = h('img', { class: 'invite-qr', attrs: { src: dataUrl, width: 168, height: 168, alt: url } });
  } catch {
    qr = null;
  }
  const expires = h('span', {});
  bindDate(expires, expiresAt);
  return h(
    'div',
    { class: 'invite-result' },
    qr ? h('figure', { class: 'qr' }, qr, h('figcaption', { class: 'muted small', i18n: 'console.qrHint' })) : null,
    h(
      'div',
      { class: 'invite-result-body' },
      h(
        'div',
        { class: 'invite-who' },
        h('strong', { text: name }),
        h('span', { class: 'chip', i18n: roleKey(role) ?? 'role.applicant' }),
      ),
      h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: 'console.inviteLink' }), h('div', { class: 'copy-row' }, link, copy)),
      shortCode
        ? h(
            'div',
            { class: 'invite-code-row' },
            h('span', { class: 'field-label', i18n: 'inv.shortCode' }),
            h('strong', { class: 'invite-code', text: shortCode, attrs: { 'data-code': shortCode } }),
            h('span', { class: 'muted small', i18n: 'inv.shortCodeHint' }),
          )
        : null,
      h('p', { class: 'muted small' }, h('span', { i18n: 'invite.expires' }), ' ', expires),
    ),
  );
}
