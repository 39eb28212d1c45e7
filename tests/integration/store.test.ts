import { afterEach, describe, expect, it } from 'vitest';
import { AuthService, type JwtCodec } from '../../server/auth/authService.ts';
import { migrate } from '../../server/store/database.ts';
import { countUsers, findUserByUsername } from '../../server/store/repositories/users.ts';
import { RoomService } from '../../server/rooms/roomService.ts';
import { storesUnderTest } from '../helpers/stores.ts';
import pino from 'pino';

const silent = pino({ level: 'silent' });
const fakeJwt: JwtCodec = { sign: (claims) => JSON.stringify(claims), verify: (token) => JSON.parse(token) };

describe.each(storesUnderTest)('store on $name', (store) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function open() {
    const opened = await store.open();
    cleanup = opened.cleanup;
    return opened.db;
  }

  it('migrates idempotently and creates the first admin once', async () => {
    const db = await open();
    await migrate(db);
    const auth = new AuthService(db, fakeJwt, { staffTokenTtlSeconds: 60, inviteTtlSeconds: 60, publicUrl: () => 'http://x' }, silent);
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

  it('stores rooms and invitations and checks them back', async () => {
    const db = await open();
    const auth = new AuthService(db, fakeJwt, { staffTokenTtlSeconds: 60, inviteTtlSeconds: 60, publicUrl: () => 'http://x' }, silent);
    await auth.ensureFirstAdmin('admin', 'pw-123456');
    const staff = await auth.verifyStaff((await auth.login('admin', 'pw-123456')).token);
    const rooms = new RoomService(db);
    const room = await rooms.create(staff, { title: '欠薪调解', mode: 'back_to_back' });
    expect((await rooms.list(staff)).map((r) => r.title)).toEqual(['欠薪调解']);
    const invite = await auth.issueInvitation(staff, { roomId: room.id, displayName: '张三', role: 'applicant' });
    expect(invite.url).toContain('http://x/join?token=');
    const identity = await auth.identifySocket(invite.token, undefined);
    expect(identity).toMatchObject({ roomId: room.id, displayName: '张三', role: 'applicant' });
    await expect(auth.identifySocket(invite.token, '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(auth.issueInvitation(staff, { roomId: '00000000-0000-0000-0000-000000000000', displayName: 'x', role: 'applicant' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
