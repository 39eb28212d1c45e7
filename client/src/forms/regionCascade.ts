/**
 * Province → city → district selects over the GB/T 2260 data (GET /api/public/regions),
 * for staff: an organisation may sit at any level ("全省" / "全市" keep the level above).
 * value() is the six-digit code: district, or city + "00", or province + "0000".
 */
import { listRegions, type RegionNode } from '../caseApi.ts';
import { clear, h } from '../dom.ts';

const WHOLE = '';

export class RegionCascade {
  readonly province = h('select', { id: 'org-province' });
  readonly city = h('select', { id: 'org-city' });
  readonly county = h('select', { id: 'org-county' });
  private regions: RegionNode[] = [];

  async load(): Promise<void> {
    this.regions = (await listRegions()).regions;
    this.fill(this.province, this.regions, false);
    this.province.addEventListener('change', () => this.changed(true));
    this.city.addEventListener('change', () => this.changed(false));
    this.changed(true);
  }

  private fill(el: HTMLSelectElement, nodes: RegionNode[], whole: boolean): void {
    clear(el);
    if (whole) el.append(h('option', { attrs: { value: WHOLE }, text: '—' }));
    for (const [code, name] of nodes) el.append(h('option', { attrs: { value: code }, text: name }));
    el.disabled = nodes.length === 0;
  }

  private node(list: RegionNode[] | undefined, code: string) {
    return list?.find((n) => n[0] === code);
  }

  private changed(provinceChanged: boolean): void {
    const province = this.node(this.regions, this.province.value);
    if (provinceChanged) this.fill(this.city, province?.[2] ?? [], true);
    const city = this.node(province?.[2], this.city.value);
    this.fill(this.county, city?.[2] ?? [], true);
  }

  value(): string | undefined {
    if (this.county.value) return this.county.value;
    if (this.city.value) return `${this.city.value}00`;
    if (this.province.value) return `${this.province.value}0000`;
    return undefined;
  }
}
