import { describe, expect, it } from 'vitest';
import { isValidCreditCode, isValidPhone, isValidResidentId, maskIdNumber, randomCode } from '../../server/cases/identifiers.ts';

describe('resident identity numbers', () => {
  it('accepts numbers whose check character matches', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true); // the standard's own example
    expect(isValidResidentId('440524188001010014')).toBe(false); // year before 1900
    expect(isValidResidentId('110105194912310021')).toBe(false); // wrong check character
    expect(isValidResidentId('11010519491331002X')).toBe(false); // month 13
    expect(isValidResidentId('11010519490230002X')).toBe(false); // 30 February
    expect(isValidResidentId('11010519491231002x')).toBe(false); // lower-case x is normalised before the check
    expect(isValidResidentId('1101051949123100')).toBe(false);
  });

  it('masks all but the region and the last four', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
  });
});

describe('unified social credit codes', () => {
  it('checks the MOD 31 character', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100YO3')).toBe(false); // O is not in the alphabet
    expect(isValidCreditCode('913501')).toBe(false);
  });
});

describe('phones and codes', () => {
  it('accepts mobiles and landlines', () => {
    expect(isValidPhone('13800138000')).toBe(true);
    expect(isValidPhone('0755-86001234')).toBe(true);
    expect(isValidPhone('12800138000')).toBe(false);
    expect(isValidPhone('138001380')).toBe(false);
  });

  it('makes codes without look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(randomCode()).toMatch(/^[A-HJ-KM-NP-Z2-9]{8}$/);
  });
});
