/**
 * The same checks the server makes (server/cases/identifiers.ts), run while
 * typing so a worker sees a wrong digit before sending over a slow link.
 * Each returns the dictionary key of the problem, or undefined when fine.
 */
import type { I18nKey } from '../i18n.ts';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Full-width digits and letters (common with Chinese keyboards) to ASCII, spaces removed, upper case. */
export function normaliseCode(value: string): string {
  return value
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
}

export function checkIdNumber(value: string): I18nKey | undefined {
  if (!/^[1-9]\d{16}[\dX]$/.test(value)) return 'check.idFormat';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) {
    return 'check.idDate';
  }
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17] ? undefined : 'check.idChecksum';
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function checkCreditCode(value: string): I18nKey | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return 'check.creditFormat';
  const sum = CREDIT_WEIGHTS.reduce((acc, weight, i) => acc + weight * CREDIT_CHARS.indexOf(value[i]!), 0);
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CHARS[check] === value[17] ? undefined : 'check.creditChecksum';
}

/** Mainland mobile numbers and landlines with area code (spaces and dashes typed by people are tolerated). */
export function normalisePhone(value: string): string {
  const ascii = normaliseCode(value);
  return /^1/.test(ascii) ? ascii.replace(/-/g, '') : ascii;
}

export function checkPhone(value: string): I18nKey | undefined {
  return /^1[3-9]\d{9}$/.test(value) || /^0\d{2,3}-?\d{7,8}$/.test(value) ? undefined : 'check.phone';
}

/** Yuan as typed ("8000", "8,000.5", "８０００") → number, or undefined if not a positive amount with ≤ 2 decimals. */
export function parseAmount(value: string): number | undefined {
  const ascii = normaliseCode(value).replace(/[,，]/g, '').replace(/。/g, '.');
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(ascii)) return undefined;
  const amount = Number(ascii);
  return amount > 0 && amount <= 1e10 ? amount : undefined;
}
