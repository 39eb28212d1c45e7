/**
 * Mediators' and arbitrators' public profiles with their ratings: admins
 * and clerks see the organisation's (admins edit any), a mediator or
 * arbitrator sees and edits their own (the "my profile" screen).
 */
import { clear, h } from '../dom.ts';
import { bindText, roleKey, t } from '../i18n.ts';
import { fileBase64, staffProfiles, updateProfile, type RatedProfile } from '../seal/api.ts';
import { codedError, k } from '../seal/strings.ts';
import { errorLine, reportError as reportAny, type MountedView, type ViewContext } from './common.ts';

/** Our upload refusals in the page's language; everything else as the console shows it. */
function reportError(err: unknown, target: HTMLElement, ctx: ViewContext): void {
  const text = codedError(err);
  if (!text) return void reportAny(err, target, ctx);
  delete target.dataset.i18n;
  target.textContent = text;
  target.hidden = false;
}

export function ratingText(p: { ratingAverage: number | null; ratingCount: number }): string {
  return p.ratingAverage === null ? t(k('prof.noRating')) : t(k('prof.ratingValue'), { avg: p.ratingAverage.toFixed(1), n: p.ratingCount });
}

export function staffProfilesPanel(ctx: ViewContext): MountedView {
  const me = ctx.staff()?.user;
  const own = me?.role === 'mediator' || me?.role === 'arbitrator';
  const canEdit = (p: RatedProfile) => p.id === me?.id || me?.role === 'admin';
  const body = h('tbody', {});
  const empty = h('p', { class: 'muted', attrs: { hidden: true }, i18n: k('prof.none') });
  const error = errorLine();
  const formSlot = h('div', { id: 'profile-form-slot' });
  let destroyed = false;

  const openForm = (p: RatedProfile) => {
    clear(formSlot);
    const speciality = h('input', { id: 'profile-speciality', attrs: { type: 'text', maxlength: 200, value: p.speciality } });
    const languages = h('input', { id: 'profile-languages', attrs: { type: 'text', maxlength: 100, value: p.languages, placeholder: '普通话、粤语' } });
    const photo = h('input', { id: 'profile-photo', attrs: { type: 'file', accept: 'image/png,image/jpeg' } });
    const remove = h('input', { id: 'profile-photo-remove', attrs: { type: 'checkbox' } });
    const save = h('button', { id: 'profile-save-btn', class: 'btn btn-primary', attrs: { type: 'submit' }, i18n: k('prof.save') });
    const done = h('p', { id: 'profile-done', class: 'ok-text small', attrs: { role: 'status', hidden: true } });
    const formError = errorLine();
    const label = (key: Parameters<typeof k>[0], control: HTMLElement) => h('label', { class: 'field' }, h('span', { class: 'field-label', i18n: k(key) }), control);
    const form = h(
      'form',
      { id: 'profile-form', class: 'grid-form', dataset: { staffId: p.id }, attrs: { novalidate: true } },
      h('h2', { class: 'panel-subtitle field-wide', text: p.displayName }),
      label('prof.speciality', speciality),
      label('prof.languages', languages),
      label('prof.photo', photo),
      p.photoUrl ? h('label', { class: 'field check-field' }, remove, h('span', { i18n: k('prof.removePhoto') })) : null,
      h('div', { class: 'field field-submit' }, save),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save.disabled = true;
      done.hidden = true;
      formError.hidden = true;
      const file = photo.files?.[0];
      (file ? fileBase64(file) : Promise.resolve(undefined))
        .then((data) =>
          updateProfile(ctx.token(), p.id, {
            speciality: speciality.value,
            languages: languages.value,
            ...(data ? { photo: data } : remove.checked ? { photo: null } : {}),
          }),
        )
        .then(() => {
          bindText(done, k('prof.saved'));
          done.hidden = false;
          return load(p.id);
        })
        .catch((err: unknown) => reportError(err, formError, ctx))
        .finally(() => (save.disabled = false));
    });
    formSlot.append(form, formError, done);
  };

  const render = (profiles: RatedProfile[], keepOpen?: string) => {
    clear(body);
    for (const p of profiles) {
      const rk = roleKey(p.role);
      const edit = canEdit(p) ? h('button', { class: 'btn btn-secondary btn-small', dataset: { action: 'edit-profile' }, attrs: { type: 'button' }, i18n: k('prof.edit') }) : null;
      edit?.addEventListener('click', () => openForm(p));
      body.append(
        h(
          'tr',
          { dataset: { profileId: p.id } },
          h('td', {}, p.photoUrl ? h('img', { class: 'profile-thumb', attrs: { src: `${p.photoUrl}?v=${Date.now()}`, alt: '', width: 40, height: 40 } }) : h('span', { class: 'profile-thumb profile-thumb-empty', attrs: { 'aria-hidden': 'true' } })),
          h('td', {}, h('strong', { text: p.displayName }), ' ', h('span', { class: 'chip', ...(rk ? { i18n: rk } : { text: p.role }) })),
          h('td', { text: p.speciality || '—' }),
          h('td', { text: p.languages || '—' }),
          h('td', { class: 'rating-cell', dataset: { ratingCount: String(p.ratingCount) }, text: ratingText(p) }),
          h('td', {}, edit),
        ),
      );
    }
    empty.hidden = profiles.length > 0;
    const reopen = profiles.find((p) => p.id === keepOpen) ?? (own ? profiles[0] : undefined);
    if (reopen && canEdit(reopen)) openForm(reopen);
  };

  const load = async (keepOpen?: string) => {
    try {
      const { profiles } = await staffProfiles(ctx.token());
      if (!destroyed) render(profiles, keepOpen);
    } catch (err) {
      if (!destroyed) reportError(err, error, ctx);
    }
  };
  void load();

  const el = h(
    'div',
    { id: 'profiles-panel', class: 'panel' },
    h('h1', { class: 'panel-title', i18n: k(own ? 'prof.mine' : 'prof.title') }),
    h('p', { class: 'muted small', i18n: k('prof.hint') }),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'profiles-table', class: 'data-table' },
        h('thead', {}, h('tr', {}, h('th', {}), h('th', { i18n: 'staff.displayName' }), h('th', { i18n: k('prof.speciality') }), h('th', { i18n: k('prof.languages') }), h('th', { i18n: k('prof.rating') }), h('th', {}))),
        body,
      ),
    ),
    empty,
    error,
    formSlot,
  );
  return {
    el,
    destroy() {
      destroyed = true;
    },
  };
}
