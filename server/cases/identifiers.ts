/** Checks for Chinese identifiers and the codes we hand out. Pure functions. */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 18-digit resident identity number (GB 11643-1999): shape, birth date and ISO 7064 MOD 11-2 check character. */
export function isValidResidentId(value: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(value)) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) return false;
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17];
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 18-character unified social credit code (GB 32100-2015) with its MOD 31 check character. */
export function isValidCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  const sum = CREDIT_WEIGHTS.reduce((acc, weight, i) => acc + weight * CREDIT_CHARS.indexOf(value[i]!), 0);
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CHARS[check] === value[17];
}

/** Mainland mobile numbers and landlines with area code. */
export function isValidPhone(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value) || /^0\d{2,3}-?\d{7,8}$/.test(value);
}

/** Shows only what a clerk needs to recognise a person: 110***********1234. */
export function maskIdNumber(value: string): string {
  return value.length === 18 ? `${value.slice(0, 3)}***********${value.slice(14)}` : '***';
}

// No 0/O, 1/I/L: codes are read aloud on the phone and typed on small screens.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function randomCode(length = 8): string {
  return Array.from({ length }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

export function randomDigits(length: number): string {
  return Array.from({ length }, () => String(randomInt(10))).join('');
}

export function hashCode(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

/** Encrypts a short secret under a key only its owner holds (the form's idempotency key). */
export function seal(secret: string, ownerKey: string): string {
  const key = createHash('sha256').update(`yunting-seal:${ownerKey}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

export function unseal(sealed: string, ownerKey: string): string {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  const key = createHash('sha256').update(`yunting-seal:${ownerKey}`).digest();
  const decipher = createDecipheriv('aes-256-gcm', key, iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
}
