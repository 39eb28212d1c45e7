import { expect, it } from 'vitest';
import { isValidResidentId } from '../../server/cases/identifiers.ts';
import { residentId } from '../helpers/cases.ts';

it('the test helper makes valid, distinct resident IDs', () => {
  const ids = Array.from({ length: 500 }, (_, i) => residentId(i));
  expect(ids.every(isValidResidentId)).toBe(true);
  expect(new Set(ids).size).toBe(500);
});
