/**
 * `npm run demo`: a first start that can be tried. Seeds one demo
 * organisation (an arbitration commission in 深圳市南山区, GB/T 2260 440305)
 * with a clerk, a mediator and an arbitrator, and prints their logins.
 * Refuses to run on a store that has real data: anything besides the first
 * admin (another user, an organisation, a case, a room).
 * Uses the same configuration as the server (DATA_DIR, DATABASE_URL, ADMIN_*).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../server/config.ts';
import { openDatabase, type Db } from '../server/store/database.ts';
import { AuthService } from '../server/auth/authService.ts';
import { OrganisationService } from '../server/organisations/organisationService.ts';
import type { StaffRole } from '../server/auth/policy.ts';

export const DEMO_ORGANISATION = { name: '云庭演示·深圳市南山区劳动人事争议仲裁院', kind: 'arbitration_commission' as const, regionCode: '440305' };
const STAFF: { role: Exclude<StaffRole, 'admin'>; username: string; displayName: string }[] = [
  { role: 'clerk', username: 'demo.clerk', displayName: '演示书记员 王敏' },
  { role: 'mediator', username: 'demo.mediator', displayName: '演示调解员 李娟' },
  { role: 'arbitrator', username: 'demo.arbitrator', displayName: '演示仲裁员 赵刚' },
];

/** Why the store is not fresh, or undefined when only the first admin (or nobody) is there. */
async function realData(db: Db): Promise<string | undefined> {
  const count = async (table: 'users' | 'organisations' | 'cases' | 'rooms') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const users = await db.selectFrom('users').select(['role', 'organisation_id']).execute();
  if (users.length > 1) return `${users.length} staff accounts`;
  if (users.length === 1 && (users[0]!.role !== 'admin' || users[0]!.organisation_id !== null)) return 'a staff account that is not the first admin';
  for (const table of ['organisations', 'cases', 'rooms'] as const) {
    const n = await count(table);
    if (n > 0) return `${n} ${table}`;
  }
  return undefined;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const reason = await realData(db);
    if (reason) {
      console.error(`npm run demo refuses to run: this store has real data (${reason}).`);
      console.error('It only seeds a fresh install. Use another DATA_DIR (or DATABASE_URL) to try the demo.');
      return 1;
    }
    const noJwt = {
      sign: () => {
        throw new Error('not used');
      },
      verify: () => {
        throw new Error('not used');
      },
    };
    const auth = new AuthService(db, noJwt, { staffTokenTtlSeconds: config.staffTokenTtlSeconds }, pino({ level: 'warn' }));
    const adminPassword = await auth.ensureFirstAdmin(config.adminUsername, config.adminPassword);
    const admin = await db.selectFrom('users').selectAll().where('role', '=', 'admin').executeTakeFirstOrThrow();
    const organisations = new OrganisationService(db, auth);
    const actor = { kind: 'staff' as const, userId: admin.id, role: 'admin' as const, organisationId: null, name: admin.display_name };
    const organisation = await organisations.create(actor, DEMO_ORGANISATION);
    const logins: { role: string; username: string; password: string }[] = [];
    for (const staff of STAFF) {
      const password = `demo-${randomBytes(6).toString('base64url')}`;
      await organisations.createStaff(actor, { ...staff, password, organisationId: organisation.id });
      logins.push({ role: staff.role, username: staff.username, password });
    }

    console.log(`\n  云庭 demo organisation: ${organisation.name}`);
    console.log(`  region ${organisation.region_code} ${organisation.province} ${organisation.city} ${organisation.county}\n`);
    console.log('  role        username          password');
    for (const login of logins) console.log(`  ${login.role.padEnd(11)} ${login.username.padEnd(17)} ${login.password}`);
    if (adminPassword) console.log(`  ${'admin'.padEnd(11)} ${config.adminUsername.padEnd(17)} ${adminPassword}`);
    else console.log(`  ${'admin'.padEnd(11)} ${admin.username.padEnd(17)} (unchanged)`);
    console.log('\n  Next: npm start, then apply at /apply (广东省 → 深圳市 → 南山区) and log in to /console as demo.clerk.\n');
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
