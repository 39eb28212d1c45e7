/**
 * Rooms carry their organisation: an ad-hoc room (made from /console
 * without a case) of organisation A is invisible to organisation B's staff
 * through HTTP and socket.io (listing, entering as host, inviting, its
 * recordings, session evidence), while A's staff and the platform admin
 * keep every right they had.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { seedOrganisation, seedStaff, tinyPng } from '../helpers/cases.ts';
import { connect, connectRefused, joinRoom, nextEvent, type ClientSocket } from '../helpers/signallingClient.ts';

let t: TestServer;
type Staff = Awaited<ReturnType<typeof seedStaff>>;
let adminA: Staff;
let clerkA: Staff;
let mediatorA: Staff;
let otherMediatorA: Staff;
let adminB: Staff;
let clerkB: Staff;
let mediatorB: Staff;
let room: { id: string };
let mediatorsRoom: { id: string };
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  const orgA = await seedOrganisation(t, '甲市劳动人事争议调解中心');
  const orgB = await seedOrganisation(t, '乙市劳动人事争议调解中心');
  adminA = await seedStaff(t, orgA.id, 'admin', 'admin-a');
  clerkA = await seedStaff(t, orgA.id, 'clerk', 'clerk-a');
  mediatorA = await seedStaff(t, orgA.id, 'mediator', 'mediator-a');
  otherMediatorA = await seedStaff(t, orgA.id, 'mediator', 'mediator-a2');
  adminB = await seedStaff(t, orgB.id, 'admin', 'admin-b');
  clerkB = await seedStaff(t, orgB.id, 'clerk', 'clerk-b');
  mediatorB = await seedStaff(t, orgB.id, 'mediator', 'mediator-b');
  const created = await t.api<{ id: string }>('POST', '/api/rooms', { title: '甲的临时咨询', mode: 'face_to_face' }, adminA.token);
  expect(created.status).toBe(201);
  room = created.body;
  const mine = await t.api<{ id: string }>('POST', '/api/rooms', { title: '调解员的临时咨询', mode: 'back_to_back' }, mediatorA.token);
  expect(mine.status).toBe(201);
  mediatorsRoom = mine.body;
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

const listed = async (token: string) => (await t.api<{ rooms: { id: string }[] }>('GET', '/api/rooms', undefined, token)).body.rooms.map((r) => r.id);

describe('an ad-hoc room belongs to its organisation', () => {
  it('stores the creator organisation on the room', async () => {
    const row = await t.server.db.selectFrom('rooms').select(['organisation_id']).where('id', '=', room.id).executeTakeFirstOrThrow();
    const admin = await t.server.db.selectFrom('users').select(['organisation_id']).where('id', '=', adminA.id).executeTakeFirstOrThrow();
    expect(row.organisation_id).toBe(admin.organisation_id);
  });

  it('is listed for its organisation (admin, clerk, creator) and the platform admin only', async () => {
    expect(await listed(adminA.token)).toEqual(expect.arrayContaining([room.id, mediatorsRoom.id]));
    expect(await listed(clerkA.token)).toEqual(expect.arrayContaining([room.id, mediatorsRoom.id]));
    expect(await listed(mediatorA.token)).toContain(mediatorsRoom.id);
    expect(await listed(mediatorA.token)).not.toContain(room.id);
    expect(await listed(otherMediatorA.token)).not.toContain(mediatorsRoom.id);
    expect(await listed(t.staffToken)).toEqual(expect.arrayContaining([room.id, mediatorsRoom.id]));
    for (const outsider of [adminB, clerkB, mediatorB]) {
      const ids = await listed(outsider.token);
      expect(ids).not.toContain(room.id);
      expect(ids).not.toContain(mediatorsRoom.id);
    }
  });

  it('cannot be entered (or hosted) over socket.io by another organisation', async () => {
    for (const outsider of [adminB, clerkB, mediatorB]) {
      expect(await connectRefused(t.url, { token: outsider.token, roomId: room.id })).toBe('FORBIDDEN');
      expect(await connectRefused(t.url, { token: outsider.token, roomId: mediatorsRoom.id })).toBe('FORBIDDEN');
    }
    expect(await connectRefused(t.url, { token: otherMediatorA.token, roomId: mediatorsRoom.id })).toBe('FORBIDDEN');
  });

  it('is hosted by its organisation admin and by its creator', async () => {
    const host = await connect(t.url, { token: adminA.token, roomId: room.id });
    sockets.push(host);
    const state = nextEvent(host, 'session:state');
    await joinRoom(host);
    expect((await state).you.isHost).toBe(true);

    const creator = await connect(t.url, { token: mediatorA.token, roomId: mediatorsRoom.id });
    sockets.push(creator);
    const creatorState = nextEvent(creator, 'session:state');
    await joinRoom(creator);
    expect((await creatorState).you.isHost).toBe(true);

    // The organisation's clerk may enter (and admit), not lead.
    const clerk = await connect(t.url, { token: clerkA.token, roomId: mediatorsRoom.id });
    sockets.push(clerk);
    const clerkState = nextEvent(clerk, 'session:state');
    await joinRoom(clerk);
    const snapshot = await clerkState;
    expect(snapshot.you.isHost).toBe(false);
    expect(snapshot.you.canAdmit).toBe(true);
  });

  it('takes invitations from its organisation only', async () => {
    const body = { displayName: '张三', role: 'applicant' };
    for (const outsider of [adminB, clerkB, mediatorB]) {
      expect((await t.api('POST', `/api/rooms/${room.id}/invitations`, body, outsider.token)).status).toBe(403);
      expect((await t.api('GET', `/api/rooms/${room.id}/invitations`, undefined, outsider.token)).status).toBe(403);
    }
    const issued = await t.api<{ id: string }>('POST', `/api/rooms/${room.id}/invitations`, body, clerkA.token);
    expect(issued.status).toBe(201);
    expect((await t.api('POST', `/api/invitations/${issued.body.id}/revoke`, undefined, adminB.token)).status).toBe(403);
    const list = await t.api<{ invitations: { id: string; revokedAt: string | null }[] }>('GET', `/api/rooms/${room.id}/invitations`, undefined, adminA.token);
    expect(list.body.invitations.find((i) => i.id === issued.body.id)?.revokedAt).toBeNull();
    expect((await t.api('POST', `/api/rooms/${mediatorsRoom.id}/invitations`, body, mediatorA.token)).status).toBe(201);
    expect((await t.api('POST', `/api/rooms/${mediatorsRoom.id}/invitations`, body, otherMediatorA.token)).status).toBe(403);
  });

  it('keeps its recordings from another organisation', async () => {
    // The host opened the room above, so the real recorder registered a recording for it.
    let recording: { id: string } | undefined;
    for (let i = 0; i < 50 && !recording; i++) {
      recording = await t.server.db.selectFrom('recordings').select(['id']).where('room_id', '=', room.id).executeTakeFirst();
      if (!recording) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recording).toBeDefined();
    const id = recording!.id;
    for (const outsider of [adminB, clerkB, mediatorB]) {
      expect((await t.api('GET', `/api/recordings/${id}/composed.mp4`, undefined, outsider.token)).status).toBe(404);
      expect((await t.api('GET', `/api/recordings/${id}/manifest.json`, undefined, outsider.token)).status).toBe(404);
      expect((await t.api('GET', `/api/recordings/${id}/segments/${randomUUID()}`, undefined, outsider.token)).status).toBe(404);
    }
    // Its organisation passes the access check (the file is not composed yet while the session runs).
    for (const insider of [adminA, clerkA]) {
      const composed = await t.api<{ code: string }>('GET', `/api/recordings/${id}/composed.mp4`, undefined, insider.token);
      expect(composed.status, JSON.stringify(composed.body)).toBe(409);
      expect(composed.body.code).toBe('NOT_READY');
    }
    expect((await t.api('GET', `/api/recordings/${id}/manifest.json`, undefined, t.staffToken)).status).toBe(409);
  });

  it('keeps session evidence from another organisation', async () => {
    const form = () => {
      const data = new FormData();
      data.append('files', new Blob([new Uint8Array(tinyPng)], { type: 'image/png' }), 'a.png');
      return data;
    };
    const post = (token: string) =>
      fetch(`${t.url}/api/rooms/${room.id}/evidence`, { method: 'POST', body: form(), headers: { authorization: `Bearer ${token}` } });
    expect((await post(adminB.token)).status).toBe(404);
    // Its own organisation is told the real reason: a room without a case keeps no evidence.
    const own = await post(adminA.token);
    expect(own.status).toBe(409);
    expect(((await own.json()) as { code: string }).code).toBe('NO_CASE');
  });
});
