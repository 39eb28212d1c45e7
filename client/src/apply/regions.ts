/** Province → city → county → organisation, built from GET /api/public/organisations. */
import { ApiError } from '../api.ts';
import { listOrganisations, type Organisation } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, type I18nKey } from '../i18n.ts';
import { showMessage, type ErrorTarget, type Message } from '../forms/fields.ts';

type Tree = Map<string, Map<string, Map<string, Organisation[]>>>;

function buildTree(organisations: Organisation[]): Tree {
  const tree: Tree = new Map();
  for (const org of organisations) {
    let cities = tree.get(org.province);
    if (!cities) tree.set(org.province, (cities = new Map()));
    let counties = cities.get(org.city);
    if (!counties) cities.set(org.city, (counties = new Map()));
    let orgs = counties.get(org.county);
    if (!orgs) counties.set(org.county, (orgs = []));
    orgs.push(org);
  }
  return tree;
}

function select(id: string, label: I18nKey): { wrap: HTMLElement; el: HTMLSelectElement } {
  const el = h('select', { id, attrs: { name: id } });
  const wrap = h('div', { class: 'field' }, h('label', { class: 'field-label', attrs: { for: id }, i18n: label }), el);
  return { wrap, el };
}

function fill(el: HTMLSelectElement, values: { value: string; text?: string; i18n?: I18nKey }[]): void {
  clear(el);
  if (values.length !== 1) el.append(h('option', { attrs: { value: '', disabled: true, selected: true }, i18n: 'apply.choose' }));
  for (const v of values) {
    el.append(h('option', { attrs: { value: v.value }, ...(v.i18n ? { i18n: v.i18n } : { text: v.text ?? v.value }) }));
  }
  if (values.length === 1) el.value = values[0]!.value;
  el.disabled = values.length === 0;
}

/** An empty city or county means the organisation sits at the level above ("本级"). */
const LEVEL_SELF = '__self__';
const levelOption = (value: string) => (value ? { value, text: value } : { value: LEVEL_SELF, i18n: 'apply.levelSelf' as const });

export class RegionPicker implements ErrorTarget {
  readonly el: HTMLElement;
  private readonly province = select('region-province', 'apply.province');
  private readonly city = select('region-city', 'apply.city');
  private readonly county = select('region-county', 'apply.county');
  private readonly org = select('organisation', 'apply.organisation');
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;
  private tree: Tree = new Map();
  private organisations: Organisation[] = [];

  constructor(private readonly onChange: () => void = () => undefined) {
    this.status = h('div', { class: 'region-status', attrs: { role: 'status' } });
    this.error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    this.el = h(
      'div',
      { class: 'region-picker' },
      h('div', { class: 'region-grid' }, this.province.wrap, this.city.wrap, this.county.wrap),
      this.org.wrap,
      this.status,
      this.error,
    );
    this.province.el.addEventListener('change', () => this.changed('province'));
    this.city.el.addEventListener('change', () => this.changed('city'));
    this.county.el.addEventListener('change', () => this.changed('county'));
    this.org.el.addEventListener('change', () => this.changed('org'));
    for (const s of [this.province, this.city, this.county, this.org]) s.el.disabled = true;
  }

  async load(): Promise<void> {
    clear(this.status);
    this.status.append(h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), ' ', h('span', { i18n: 'common.loading' }));
    try {
      this.organisations = (await listOrganisations()).organisations;
    } catch (err) {
      clear(this.status);
      const retry = h('button', { class: 'btn btn-secondary btn-small', attrs: { type: 'button' }, i18n: 'common.retry' });
      retry.addEventListener('click', () => void this.load());
      const text = h('span', {});
      bindText(text, err instanceof ApiError && err.isNetwork ? 'common.networkError' : 'apply.orgLoadFailed');
      this.status.append(h('div', { class: 'alert alert-error region-alert' }, text, ' ', retry));
      return;
    }
    clear(this.status);
    if (this.organisations.length === 0) {
      this.status.append(h('p', { class: 'alert alert-warn', i18n: 'apply.noOrganisations' }));
      return;
    }
    this.tree = buildTree(this.organisations);
    fill(this.province.el, [...this.tree.keys()].map(levelOption));
    this.changed('province');
  }

  private key(el: HTMLSelectElement): string | undefined {
    if (el.selectedIndex < 0 || el.disabled) return undefined;
    const option = el.options[el.selectedIndex];
    if (!option || option.disabled) return undefined;
    return option.value === LEVEL_SELF ? '' : option.value;
  }

  private changed(level: 'province' | 'city' | 'county' | 'org'): void {
    this.setError(undefined);
    const province = this.key(this.province.el);
    const cities = province !== undefined ? this.tree.get(province) : undefined;
    if (level === 'province') fill(this.city.el, cities ? [...cities.keys()].map(levelOption) : []);
    const city = this.key(this.city.el);
    const counties = city !== undefined ? cities?.get(city) : undefined;
    if (level === 'province' || level === 'city') fill(this.county.el, counties ? [...counties.keys()].map(levelOption) : []);
    const county = this.key(this.county.el);
    const orgs = county !== undefined ? counties?.get(county) : undefined;
    if (level !== 'org') fill(this.org.el, (orgs ?? []).map((o) => ({ value: o.id, text: o.name })));
    this.onChange();
  }

  value(): string | undefined {
    const id = this.key(this.org.el);
    return id || undefined;
  }

  /** Re-selects a saved organisation once the list is loaded. */
  restore(organisationId: string | undefined): void {
    const org = this.organisations.find((o) => o.id === organisationId);
    if (!org) return;
    this.province.el.value = org.province || LEVEL_SELF;
    this.changed('province');
    this.city.el.value = org.city || LEVEL_SELF;
    this.changed('city');
    this.county.el.value = org.county || LEVEL_SELF;
    this.changed('county');
    this.org.el.value = org.id;
  }

  setError(message: Message | undefined): void {
    this.el.classList.toggle('has-error', Boolean(message));
    this.error.hidden = !message;
    if (message) showMessage(this.error, message);
  }

  focus(): void {
    const firstEmpty = [this.province, this.city, this.county, this.org].find((s) => !s.el.disabled && this.key(s.el) === undefined);
    (firstEmpty ?? this.org).el.focus({ preventScroll: true });
  }
}
