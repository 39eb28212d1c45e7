/** The store and the services on it, on SQLite and (with DATABASE_URL) PostgreSQL. */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pino from 'pino';
import { AuthService, type JwtCodec } from '../../server/auth/authService.ts';
import { migrate, type Db } from '../../server/store/database.ts';
import { countUsers, findUserByUsername } from '../../server/store/repositories/users.ts';
import { RoomService } from '../../server/rooms/roomService.ts';
import { InvitationService } from '../../server/rooms/invitations.ts';
import { recordAudit } from '../../server/audit/auditLog.ts';
import { nextSerialNumber } from '../../server/cases/serialNumbers.ts';
import { storesUnderTest } from '../helpers/stores.ts';

const silent = pino({ level: 'silent' });
const fakeJwt: JwtCodec = { sign: (claims) => JSON.stringify(claims), verify: (token) => JSON.parse(token) };
const context = { ip: '127.0.0.1' };

describe.each(storesUnderTest)('store on $name', (store) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function open(): Promise<Db> {
    const opened = await store.open();
    cleanup = opened.cleanup;
    return opened.db;
  }

  it('migrates idempotently and creates the first admin once', async () => {
    const db = await open();
    await migrate(db);
    const auth = new AuthService(db, fakeJwt, { staffTokenTtlSeconds: 60 }, silent);
    const generated = await auth.ensureFirstAdmin('admin', undefined);
    expect(generated).toMatch(/^[\w-]{12}$/);
    expect(await auth.ensureFirstAdmin('admin', 'other')).toBeUndefined();
    expect(await countUsers(db)).toBe(1);
    const admin = await findUserByUsername(db, 'admin');
    expect(admin?.password_hash).toMatch(/^scrypt\$/);
    expect(admin?.password_hash).not.toContain(generated!);
    const login = await auth.login('admin', generated!);
    expect(login.user.role).toBe('admin');
    await expect(auth.login('admin', 'wrong')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login('nobody', 'wrong')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('stores rooms and one-time invitations', async () => {
    const db = await open();
    const auth = new AuthService(db, fakeJwt, { staffTokenTtlSeconds: 60 }, silent);
    await auth.ensureFirstAdmin('admin', 'pw-123456');
    const staff = await auth.verifyStaff((await auth.login('admin', 'pw-123456')).token);
    const rooms = new RoomService(db, auth);
    const invitations = new InvitationService(db, auth, { inviteTtlSeconds: 60, publicUrl: () => 'http://x' });
    const room = await rooms.create(staff, { title: '欠薪调解', mode: 'back_to_back' });
    expect((await rooms.list(staff)).map((r) => r.title)).toEqual(['欠薪调解']);
    const invite = await invitations.issue(staff, { roomId: room.id, displayName: '张三', role: 'applicant' }, context);
    expect(invite.url).toContain('http://x/join#token=');
    expect(invite.shortCode).toMatch(/^\d{8}$/);
    const { partyToken } = await invitations.redeem({ token: invite.token }, { ip: null, userAgent: 'test' });
    await expect(invitations.redeem({ token: invite.token }, { ip: null, userAgent: 'other phone' })).rejects.toMatchObject({
      code: 'INVITATION_INVALID',
    });
    const identity = await rooms.identifySocket(partyToken, undefined);
    expect(identity).toMatchObject({ roomId: room.id, displayName: '张三', role: 'applicant' });
    await expect(rooms.identifySocket(partyToken, '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const byCode = await invitations.issue(staff, { roomId: room.id, displayName: '李四', role: 'respondent' }, context);
    const redeemed = await invitations.redeem({ shortCode: byCode.shortCode }, { ip: null, userAgent: 'test' });
    expect((await rooms.identifySocket(redeemed.partyToken, undefined)).role).toBe('respondent');
    await invitations.revoke(staff, byCode.invitationId, context);
    await expect(rooms.identifySocket(redeemed.partyToken, undefined)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('hands out serial numbers in sequence per region and day', async () => {
    const db = await open();
    const at = new Date('2026-11-25T20:00:00Z'); // 04:00 on 26 November in China
    const first = await db.transaction().execute((trx) => nextSerialNumber(trx, '440305', at));
    const second = await db.transaction().execute((trx) => nextSerialNumber(trx, '440305', at));
    const elsewhere = await db.transaction().execute((trx) => nextSerialNumber(trx, '110105', at));
    expect([first, second, elsewhere]).toEqual(['440305-20261126-0001', '440305-20261126-0002', '110105-20261126-0001']);
  });

  it('keeps the audit log append-only, even against direct SQL', async () => {
    const db = await open();
    await recordAudit(db, { actor: { kind: 'system', name: 'test' }, ip: null }, { caseId: null, action: 'x.happened' });
    await expect(db.updateTable('audit_log').set({ action: 'rewritten' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    const rows = await sql<{ action: string }>`select action from audit_log`.execute(db);
    expect(rows.rows.map((r) => r.action)).toEqual(['x.happened']);
  });
});
