/** Organisations & staff (admins): list and add organisations (platform admins), list and add staff accounts. */
import { createOrganisation, createStaff, listOrganisations, listStaff, setStaffDisabled, type Organisation, type StaffMember } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, roleKey, type I18nKey } from '../i18n.ts';
import { errorLine, reportError, type MountedView, type ViewContext } from './common.ts';
import { RegionCascade } from '../forms/regionCascade.ts';
import { sealPanel } from './orgSeal.ts';
import { staffProfilesPanel } from './staffProfilesPanel.ts';

const ORG_KINDS = ['arbitration_commission', 'mediation_organisation'] as const;
const STAFF_ROLES = ['clerk', 'mediator', 'arbitrator', 'admin'] as const;

function field(label: I18nKey, control: HTMLElement, hint?: I18nKey): HTMLElement {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label', i18n: label }),
    control,
    hint ? h('span', { class: 'muted tiny', i18n: hint }) : null,
  );
}

function text(id: string, attrs: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { id, attrs: { type: 'text', autocomplete: 'off', ...attrs } });
}

export function adminView(ctx: ViewContext): MountedView {
  const me = ctx.staff()?.user;
  const platform = me?.role === 'admin' && (me.organisationId ?? null) === null;
  let organisations: Organisation[] = [];
  let destroyed = false;
  const seal = sealPanel(ctx, () => organisations);
  const profiles = staffProfilesPanel(ctx);

  // ----------------------------------------------------------- organisations
  const orgBody = h('tbody', {});
  const orgStatus = h('p', { class: 'muted' });
  const orgError = errorLine();
  const orgName = text('org-name', { maxlength: 80 });
  const orgKind = h(
    'select',
    { id: 'org-kind' },
    ...ORG_KINDS.map((k) => h('option', { attrs: { value: k }, i18n: `org.kind.${k}` as I18nKey })),
  );
  // The region is chosen from the GB/T 2260 lists (the server checks the code against the same data); a street code is typed.
  const region = new RegionCascade();
  void region.load().catch((err: unknown) => reportError(err, orgError, ctx));
  const orgCode = text('org-region-code', { inputmode: 'numeric', maxlength: 9, placeholder: '440305001' });
  const orgStreet = text('org-street', { maxlength: 40 });
  const orgSubmit = h('button', { id: 'org-create-btn', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'admin.create' });
  const orgDone = h('p', { class: 'ok-text small', attrs: { role: 'status', hidden: true } });
  const orgForm = h(
    'form',
    { id: 'org-form', class: 'grid-form', attrs: { novalidate: true } },
    field('org.name', orgName),
    field('org.kind', orgKind),
    field('org.province', region.province),
    field('org.city', region.city),
    field('org.county', region.county),
    field('org.street', orgStreet),
    field('org.streetCode', orgCode),
    h('div', { class: 'field field-submit' }, orgSubmit),
  );

  // ------------------------------------------------------------------- staff
  const staffBody = h('tbody', {});
  const staffStatus = h('p', { class: 'muted' });
  const staffError = errorLine();
  const username = text('staff-username', { maxlength: 32, autocapitalize: 'none' });
  const password = h('input', { id: 'staff-password', attrs: { type: 'password', autocomplete: 'new-password', minlength: 10 } });
  const displayName = text('staff-name', { maxlength: 40 });
  const role = h(
    'select',
    { id: 'staff-role' },
    ...STAFF_ROLES.map((r) => h('option', { attrs: { value: r }, i18n: roleKey(r) ?? 'role.clerk' })),
  );
  const orgSelect = h('select', { id: 'staff-org' });
  const staffSubmit = h('button', { id: 'staff-create-btn', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: 'admin.create' });
  const staffDone = h('p', { class: 'ok-text small', attrs: { role: 'status', hidden: true } });
  const staffForm = h(
    'form',
    { id: 'staff-form', class: 'grid-form', attrs: { novalidate: true } },
    field('staff.username', username, 'staff.usernameHint'),
    field('staff.password', password),
    field('staff.displayName', displayName),
    field('staff.role', role),
    field('staff.org', orgSelect),
    h('div', { class: 'field field-submit' }, staffSubmit),
  );

  const orgNameOf = (id: string | null) => (id ? (organisations.find((o) => o.id === id)?.name ?? id) : null);

  const renderOrgs = () => {
    clear(orgBody);
    for (const o of organisations) {
      orgBody.append(
        h(
          'tr',
          { dataset: { orgId: o.id } },
          h('td', { text: o.name }),
          h('td', { i18n: `org.kind.${o.kind}` as I18nKey }),
          h('td', { class: 'mono', text: o.regionCode }),
          h('td', { text: [o.province, o.city, o.county, o.street].filter(Boolean).join(' ') }),
        ),
      );
    }
    orgStatus.hidden = organisations.length > 0;
    bindText(orgStatus, 'admin.noOrgs');
    // The staff form's organisation choice follows the list.
    const chosen = orgSelect.value;
    clear(orgSelect);
    if (platform) orgSelect.append(h('option', { attrs: { value: '' }, i18n: 'staff.noOrg' }));
    for (const o of organisations) {
      if (!platform && o.id !== me?.organisationId) continue;
      orgSelect.append(h('option', { attrs: { value: o.id }, text: o.name }));
    }
    if ([...orgSelect.options].some((opt) => opt.value === chosen)) orgSelect.value = chosen;
  };

  const renderStaff = (staff: StaffMember[]) => {
    clear(staffBody);
    for (const s of staff) {
      const rk = roleKey(s.role);
      staffBody.append(
        h(
          'tr',
          { dataset: { staffId: s.id }, class: s.disabled ? 'is-disabled' : '' },
          h('td', { text: s.displayName }),
          h('td', { class: 'mono', text: s.username }),
          h('td', {}, h('span', { class: 'chip', ...(rk ? { i18n: rk } : { text: s.role }) })),
          h('td', orgNameOf(s.organisationId) ? { text: orgNameOf(s.organisationId)! } : { i18n: 'staff.noOrg' }),
          h('td', {}, s.disabled ? h('span', { class: 'badge badge-overdue', i18n: 'staff.disabled' }) : null),
          h('td', {}, s.id === me?.id ? null : toggleButton(s)),
        ),
      );
    }
    staffStatus.hidden = staff.length > 0;
    bindText(staffStatus, 'admin.noStaff');
  };

  const toggleButton = (s: StaffMember) => {
    const button = h('button', {
      class: 'btn btn-secondary btn-small',
      dataset: { action: s.disabled ? 'enable-staff' : 'disable-staff' },
      attrs: { type: 'button' },
      i18n: s.disabled ? 'staff.enable' : 'staff.disable',
    });
    button.addEventListener('click', () => {
      button.disabled = true;
      setStaffDisabled(ctx.token(), s.id, !s.disabled)
        .then(load)
        .catch((err: unknown) => reportError(err, staffError, ctx))
        .finally(() => (button.disabled = false));
    });
    return button;
  };

  const load = async () => {
    try {
      organisations = (await listOrganisations()).organisations;
      if (destroyed) return;
      renderOrgs();
      seal.refresh();
      const { staff } = await listStaff(ctx.token());
      if (destroyed) return;
      renderStaff(staff);
    } catch (err) {
      if (!destroyed) reportError(err, staffError, ctx);
    }
  };

  orgForm.addEventListener('submit', (event) => {
    event.preventDefault();
    orgError.hidden = true;
    orgDone.hidden = true;
    const required = [orgName].find((el) => !el.value.trim());
    if (required) {
      bindText(orgError, 'console.required');
      orgError.hidden = false;
      required.focus();
      return;
    }
    orgSubmit.disabled = true;
    const opt = (el: HTMLInputElement) => (el.value.trim() ? el.value.trim() : undefined);
    createOrganisation(ctx.token(), {
      name: orgName.value.trim(),
      kind: orgKind.value,
      // A typed 9-digit street code under the chosen district wins; otherwise the chosen level's code.
      regionCode: /^\d{9}$/.test(orgCode.value.trim()) ? orgCode.value.trim() : (region.value() ?? ''),
      ...(opt(orgStreet) ? { street: opt(orgStreet) } : {}),
    })
      .then((org) => {
        bindText(orgDone, 'admin.created', { name: org.name });
        orgDone.hidden = false;
        for (const el of [orgName, orgCode, orgStreet]) el.value = '';
        return load();
      })
      .catch((err: unknown) => reportError(err, orgError, ctx))
      .finally(() => (orgSubmit.disabled = false));
  });

  staffForm.addEventListener('submit', (event) => {
    event.preventDefault();
    staffError.hidden = true;
    staffDone.hidden = true;
    const required = [username, password, displayName].find((el) => !el.value.trim());
    if (required) {
      bindText(staffError, 'console.required');
      staffError.hidden = false;
      required.focus();
      return;
    }
    staffSubmit.disabled = true;
    createStaff(ctx.token(), {
      username: username.value.trim(),
      password: password.value,
      displayName: displayName.value.trim(),
      role: role.value,
      organisationId: orgSelect.value || null,
    })
      .then((created) => {
        bindText(staffDone, 'admin.created', { name: created.displayName });
        staffDone.hidden = false;
        for (const el of [username, password, displayName]) el.value = '';
        return load();
      })
      .catch((err: unknown) => reportError(err, staffError, ctx))
      .finally(() => (staffSubmit.disabled = false));
  });

  void load();

  const el = h(
    'section',
    { class: 'console-wide admin-page' },
    h(
      'div',
      { class: 'panel' },
      h('h1', { class: 'panel-title', i18n: 'admin.orgs' }),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'org-table', class: 'data-table' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { i18n: 'org.name' }), h('th', { i18n: 'org.kind' }), h('th', { i18n: 'org.regionCode' }), h('th', { i18n: 'org.region' })),
          ),
          orgBody,
        ),
      ),
      orgStatus,
      h('h2', { class: 'panel-subtitle', i18n: 'admin.newOrg' }),
      platform ? orgForm : h('p', { class: 'muted small', i18n: 'admin.platformOnly' }),
      orgError,
      orgDone,
    ),
    h(
      'div',
      { class: 'panel' },
      h('h1', { class: 'panel-title', i18n: 'admin.staff' }),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'staff-table', class: 'data-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { i18n: 'staff.displayName' }),
              h('th', { i18n: 'staff.username' }),
              h('th', { i18n: 'staff.role' }),
              h('th', { i18n: 'staff.org' }),
              h('th', {}),
              h('th', {}),
            ),
          ),
          staffBody,
        ),
      ),
      staffStatus,
      h('h2', { class: 'panel-subtitle', i18n: 'admin.newStaff' }),
      staffForm,
      staffError,
      staffDone,
    ),
    seal.el,
    profiles.el,
  );
  return {
    el,
    destroy() {
      destroyed = true;
      seal.destroy();
      profiles.destroy();
    },
  };
}
