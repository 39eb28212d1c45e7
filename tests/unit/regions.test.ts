import { describe, expect, it } from 'vitest';
import { lookupRegion, regionTree, serves } from '../../server/organisations/regions.ts';
import { serves as ruleServes } from '../../server/organisations/regionRule.ts';

describe('GB/T 2260 regions shipped as data', () => {
  it('has every province, its cities and districts', () => {
    expect(regionTree).toHaveLength(31);
    const cities = regionTree.flatMap((p) => p[2] ?? []);
    const districts = cities.flatMap((c) => c[2] ?? []);
    expect(cities.length).toBeGreaterThan(330);
    expect(districts.length).toBeGreaterThan(2900);
    expect(cities.every((c) => (c[2] ?? []).length > 0)).toBe(true);
    // The serving rule reads levels from the code's shape: no district code ends in 00.
    expect(districts.filter((d) => d[0].length === 6 && d[0].endsWith('00'))).toEqual([]);
  });

  it('names a code at each level, and knows nothing else', () => {
    expect(lookupRegion('440000')).toMatchObject({ level: 'province', province: '广东省', city: '', county: '' });
    expect(lookupRegion('440300')).toMatchObject({ level: 'city', city: '深圳市' });
    expect(lookupRegion('440305')).toMatchObject({ level: 'county', province: '广东省', city: '深圳市', county: '南山区' });
    // A municipality's "市辖区" reads as the municipality.
    expect(lookupRegion('110101')).toMatchObject({ city: '北京市', county: '东城区' });
    // 东莞 has no districts: its towns have 9-digit codes.
    expect(lookupRegion('441900003')).toMatchObject({ level: 'county', city: '东莞市', county: '东城街道' });
    // A street under a known district.
    expect(lookupRegion('440305001')).toMatchObject({ county: '南山区', code: '440305001' });
    for (const bad of ['440399', '999999', '4403', 'abcdef', '440305x']) expect(lookupRegion(bad)).toBeUndefined();
  });

  it('decides which organisation serves a district, by the rule the server and the page share', () => {
    const cases: [string, string, boolean][] = [
      ['440305', '440305', true],
      ['440300', '440304', true],
      ['440000', '441900003', true],
      ['440305', '440304', false],
      ['440300', '440106', false],
      ['440305001', '440305', true],
    ];
    for (const [org, region, expected] of cases) {
      expect(serves(org, region), `${org} serves ${region}`).toBe(expected);
      expect(ruleServes(org, region)).toBe(expected);
    }
  });
});
