/**
 * Where the worker worked, chosen from the GB/T 2260 lists (every province,
 * city and district: GET /api/public/regions, the data the server checks
 * against), then the organisation that serves that district (its own, its
 * city's or its province's), from GET /api/public/organisations.
 * Option values are the region names (unique among siblings); the code comes from the data.
 */
import { ApiError } from '../api.ts';
import { listOrganisations, listRegions, type Organisation, type RegionNode } from '../caseApi.ts';
import { clear, h } from '../dom.ts';
import { bindText, type I18nKey } from '../i18n.ts';
import { showMessage, type ErrorTarget, type Message } from '../forms/fields.ts';
import { serves, specificity } from '../../../server/organisations/regionRule.ts';

function select(id: string, label: I18nKey): { wrap: HTMLElement; el: HTMLSelectElement } {
  const el = h('select', { id, attrs: { name: id } });
  const wrap = h('div', { class: 'field' }, h('label', { class: 'field-label', attrs: { for: id }, i18n: label }), el);
  return { wrap, el };
}

function fill(el: HTMLSelectElement, values: { value: string; text: string }[]): void {
  clear(el);
  if (values.length !== 1) el.append(h('option', { attrs: { value: '', disabled: true, selected: true }, i18n: 'apply.choose' }));
  for (const v of values) el.append(h('option', { attrs: { value: v.value }, text: v.text }));
  if (values.length === 1) el.value = values[0]!.value;
  el.disabled = values.length === 0;
}

/** "市辖区" (a municipality's districts) reads as the municipality itself. */
const cityLabel = (node: RegionNode, province: RegionNode) => (node[1] === '市辖区' || node[1] === '县' ? province[1] : node[1]);

export class RegionPicker implements ErrorTarget {
  readonly el: HTMLElement;
  private readonly province = select('region-province', 'apply.province');
  private readonly city = select('region-city', 'apply.city');
  private readonly county = select('region-county', 'apply.county');
  private readonly org = select('organisation', 'apply.organisation');
  private readonly status: HTMLElement;
  private readonly none: HTMLElement;
  private readonly error: HTMLElement;
  private regions: RegionNode[] = [];
  private organisations: Organisation[] = [];

  constructor(private readonly onChange: () => void = () => undefined) {
    this.status = h('div', { class: 'region-status', attrs: { role: 'status' } });
    this.none = h('p', { id: 'region-none', class: 'alert alert-warn', attrs: { hidden: true }, i18n: 'apply.noOrgInRegion' });
    this.error = h('p', { class: 'field-error', attrs: { role: 'alert', hidden: true } });
    this.el = h(
      'div',
      { class: 'region-picker' },
      h('p', { class: 'field-label', i18n: 'apply.workRegion' }),
      h('div', { class: 'region-grid' }, this.province.wrap, this.city.wrap, this.county.wrap),
      this.org.wrap,
      this.none,
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
      const [regions, organisations] = await Promise.all([listRegions(), listOrganisations()]);
      this.regions = regions.regions;
      this.organisations = organisations.organisations;
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
    fill(this.province.el, this.regions.map((p) => ({ value: p[1], text: p[1] })));
    this.changed('province');
  }

  private chosen(el: HTMLSelectElement): string | undefined {
    if (el.disabled || el.selectedIndex < 0) return undefined;
    const option = el.options[el.selectedIndex];
    return option && !option.disabled && option.value ? option.value : undefined;
  }

  private nodes() {
    const province = this.regions.find((p) => p[1] === this.chosen(this.province.el));
    const city = province?.[2]?.find((c) => cityLabel(c, province) === this.chosen(this.city.el));
    const county = city?.[2]?.find((c) => c[1] === this.chosen(this.county.el));
    return { province, city, county };
  }

  private changed(level: 'province' | 'city' | 'county' | 'org'): void {
    this.setError(undefined);
    const { province } = this.nodes();
    let { city } = this.nodes();
    if (level === 'province') {
      fill(this.city.el, (province?.[2] ?? []).map((c) => ({ value: cityLabel(c, province!), text: cityLabel(c, province!) })));
      ({ city } = this.nodes());
    }
    if (level === 'province' || level === 'city') fill(this.county.el, (city?.[2] ?? []).map((c) => ({ value: c[1], text: c[1] })));
    const code = this.regionCode();
    if (level !== 'org') {
      const serving = code ? this.organisations.filter((o) => serves(o.regionCode, code)) : [];
      // The district's own organisation first, then its city's, then its province's.
      serving.sort((a, b) => specificity(b.regionCode) - specificity(a.regionCode));
      fill(this.org.el, serving.map((o) => ({ value: o.id, text: o.name })));
      this.none.hidden = !code || serving.length > 0;
    }
    this.onChange();
  }

  /** The district's GB/T 2260 code, once a district is chosen. */
  regionCode(): string | undefined {
    return this.nodes().county?.[0];
  }

  value(): string | undefined {
    return this.chosen(this.org.el);
  }

  /** Re-selects a saved choice once the lists are loaded. */
  restore(organisationId: string | undefined, regionCode?: string): void {
    const org = this.organisations.find((o) => o.id === organisationId);
    const code = regionCode ?? (org && org.regionCode.length >= 6 && !org.regionCode.endsWith('00') ? org.regionCode.slice(0, 6) : undefined);
    if (!code) return;
    const province = this.regions.find((p) => p[0] === code.slice(0, 2));
    const city = province?.[2]?.find((c) => c[0] === code.slice(0, 4));
    const county = city?.[2]?.find((c) => c[0] === code);
    if (!province || !city || !county) return;
    this.province.el.value = province[1];
    this.changed('province');
    this.city.el.value = cityLabel(city, province);
    this.changed('city');
    this.county.el.value = county[1];
    this.changed('county');
    if (org) this.org.el.value = org.id;
  }

  setError(message: Message | undefined): void {
    this.el.classList.toggle('has-error', Boolean(message));
    this.error.hidden = !message;
    if (message) showMessage(this.error, message);
  }

  focus(): void {
    const firstEmpty = [this.province, this.city, this.county, this.org].find((s) => !s.el.disabled && this.chosen(s.el) === undefined);
    (firstEmpty ?? this.org).el.focus({ preventScroll: true });
  }
}
