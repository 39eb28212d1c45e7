/**
 * 流水号: the region's code, the date in China, and the day's sequence in
 * that region, e.g. 440305-20261126-0007. The counter row is bumped inside
 * the caller's transaction, so two servers never hand out the same number.
 */
import { sql } from 'kysely';
import type { Db } from '../store/database.ts';

export function chinaDate(at: Date): string {
  // China has one time zone and no daylight saving: UTC+8 all year.
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

export async function nextSerialNumber(trx: Db, regionCode: string, at: Date): Promise<string> {
  const day = chinaDate(at);
  const scope = `${regionCode.slice(0, 6)}-${day}`;
  const row = await trx
    .insertInto('serial_counters')
    .values({ scope, value: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ value: sql`serial_counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${scope}-${String(row.value).padStart(4, '0')}`;
}
