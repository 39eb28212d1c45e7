/**
 * /apply: once the organisation is chosen, its published mediators and
 * arbitrators (name, photo, speciality, languages), one of which the
 * applicant may prefer. Optional: "no preference" is the default, and a
 * list that fails to load never blocks the application.
 */
import { clear, h } from '../dom.ts';
import { roleKey } from '../i18n.ts';
import { showMessage, type ErrorTarget, type Message } from '../forms/fields.ts';
import { publicMediators, type PublicProfile } from '../seal/api.ts';
import { k } from '../seal/strings.ts';

export class MediatorChoice implements ErrorTarget {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly error: HTMLElement;
  private orgId: string | undefined;
  private wanted: string | undefined;

  constructor(private readonly onChange: () => void = () => undefined) {
    this.list = h('div', { id: 'mediator-list', class: 'mediator-list', attrs: { role: 'radiogroup' }, i18nAttrs: { 'aria-label': k('pick.title') } });
    this.error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    this.el = h(
      'div',
      { id: 'mediator-choice', class: 'mediator-choice', attrs: { hidden: true } },
      h('h3', { class: 'field-label', i18n: k('pick.title') }),
      h('p', { class: 'muted small', i18n: k('pick.hint') }),
      this.list,
      this.error,
    );
  }

  /** Shows the organisation's mediators (or hides the choice without one). */
  async load(organisationId: string | undefined): Promise<void> {
    if (organisationId === this.orgId) return;
    this.orgId = organisationId;
    clear(this.list);
    this.setError(undefined);
    this.el.hidden = !organisationId;
    if (!organisationId) return;
    let mediators: PublicProfile[];
    try {
      mediators = (await publicMediators(organisationId)).mediators;
    } catch {
      if (this.orgId === organisationId) this.list.append(h('p', { class: 'muted small', i18n: k('pick.loadFailed') }));
      return;
    }
    if (this.orgId !== organisationId) return;
    if (mediators.length === 0) {
      this.list.append(h('p', { class: 'muted small', i18n: k('pick.empty') }));
      return;
    }
    this.list.append(this.option(undefined));
    for (const m of mediators) this.list.append(this.option(m));
    const wanted = this.wanted && mediators.some((m) => m.id === this.wanted) ? this.wanted : '';
    for (const radio of this.list.querySelectorAll<HTMLInputElement>('input[type=radio]')) radio.checked = radio.value === wanted;
  }

  private option(m: PublicProfile | undefined): HTMLElement {
    const id = `mediator-${m?.id ?? 'none'}`;
    const radio = h('input', { id, attrs: { type: 'radio', name: 'preferredStaffId', value: m?.id ?? '' } });
    radio.addEventListener('change', () => {
      this.wanted = radio.value || undefined;
      this.setError(undefined);
      this.onChange();
    });
    if (!m) return h('label', { class: 'choice mediator-card mediator-none', attrs: { for: id } }, radio, h('span', { i18n: k('pick.noPreference') }));
    const rk = roleKey(m.role);
    return h(
      'label',
      { class: 'choice mediator-card', attrs: { for: id }, dataset: { staffId: m.id } },
      radio,
      m.photoUrl ? h('img', { class: 'mediator-photo', attrs: { src: m.photoUrl, alt: '', width: 56, height: 56, loading: 'lazy' } }) : h('span', { class: 'mediator-photo mediator-photo-empty', attrs: { 'aria-hidden': 'true' }, text: m.displayName.slice(0, 1) }),
      h(
        'span',
        { class: 'mediator-text' },
        h('strong', { class: 'mediator-name', text: m.displayName }),
        ' ',
        h('span', { class: 'chip', ...(rk ? { i18n: rk } : { text: m.role }) }),
        m.speciality ? h('span', { class: 'mediator-line small', i18n: k('pick.speciality'), i18nArgs: { v: m.speciality } }) : null,
        m.languages ? h('span', { class: 'mediator-line small muted', i18n: k('pick.languages'), i18nArgs: { v: m.languages } }) : null,
      ),
    );
  }

  value(): string | undefined {
    return this.list.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value || undefined;
  }

  /** A saved draft's choice, applied when the list arrives. */
  restore(staffId: string | undefined): void {
    this.wanted = staffId;
  }

  setError(message: Message | undefined): void {
    this.el.classList.toggle('has-error', Boolean(message));
    this.error.hidden = !message;
    if (message) showMessage(this.error, message);
    // A refused choice (disabled meanwhile): show the list again from the server.
    if (message) {
      const org = this.orgId;
      this.orgId = undefined;
      void this.load(org);
    }
  }

  focus(): void {
    this.list.querySelector<HTMLInputElement>('input[type=radio]')?.focus({ preventScroll: true });
  }
}
