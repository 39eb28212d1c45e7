/**
 * Withdrawn credentials cut live connections: revoking an invitation,
 * removing its guest from the session, or disabling a staff account
 * disconnects every socket of that subject on `/`, `/documents` and
 * `/progress` (telling it why first), and the same token is refused from
 * then on, at the handshake and over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from '../helpers/cases.ts';
import { io } from 'socket.io-client';
import { connect, connectRefused, joinRoom, nextEvent, ok, type ClientSocket } from '../helpers/signallingClient.ts';

let t: TestServer;
type Staff = Awaited<ReturnType<typeof seedStaff>>;
let orgId: string;
let clerk: Staff;
let mediator: Staff;
let orgAdmin: Staff;
const sockets: ClientSocket[] = [];
let applicantN = 0;

async function caseSession(host: Staff): Promise<{ caseId: string; roomId: string }> {
  const applicant = { ...application(orgId).applicant, idNumber: residentId(++applicantN) };
  const created = await submitApplication(t, application(orgId, { applicant }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: host.id }, clerk.token);
  const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode: 'back_to_back', scheduledAt: new Date().toISOString() }, host.token);
  expect(session.status).toBe(201);
  return { caseId, roomId: session.body.id };
}

async function invitedParty(roomId: string, name: string, role = 'applicant') {
  const issued = await t.api<{ id: string; token: string }>('POST', `/api/rooms/${roomId}/invitations`, { displayName: name, role }, clerk.token);
  expect(issued.status).toBe(201);
  const redeemed = await t.api<{ partyToken: string }>('POST', '/api/invitations/redeem', { token: issued.body.token });
  expect(redeemed.status).toBe(200);
  return { invitationId: issued.body.id, token: redeemed.body.partyToken };
}

async function open(namespace: '' | '/documents' | '/progress', auth: Record<string, string>) {
  const socket = await connect(`${t.url}${namespace}`, auth as { token: string });
  sockets.push(socket);
  return socket;
}

/** What a socket is told when its subject is withdrawn, and that the server then hangs up. */
function cutOff(socket: ClientSocket) {
  const told = nextEvent(socket, 'auth:revoked');
  const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
  return Promise.all([told, gone]).then(([event, reason]) => ({ reason: event.reason, disconnect: reason }));
}

beforeAll(async () => {
  t = await startTestServer();
  orgId = (await seedOrganisation(t)).id;
  clerk = await seedStaff(t, orgId, 'clerk', 'clerk1');
  mediator = await seedStaff(t, orgId, 'mediator', 'mediator1');
  orgAdmin = await seedStaff(t, orgId, 'admin', 'orgadmin1');
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

describe('revoking an invitation', () => {
  it('disconnects the party on /, /documents and /progress, and refuses its token from then on', async () => {
    const { caseId, roomId } = await caseSession(mediator);
    const party = await invitedParty(roomId, '张三');
    const main = await open('', { token: party.token });
    const joined = nextEvent(main, 'session:state');
    await joinRoom(main);
    expect((await joined).you.admitted).toBe(false); // waiting in the lobby
    const documents = await open('/documents', { token: party.token });
    // The party follows its own case on /progress.
    const progress: ClientSocket = io(`${t.url}/progress`, { auth: { token: party.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(progress);
    const view = await new Promise<{ serialNumber: string }>((resolve, reject) => {
      (progress as unknown as { once(e: string, l: (v: { serialNumber: string }) => void): void }).once('case:progress', resolve);
      progress.once('connect_error', reject);
    });
    expect(view.serialNumber).toMatch(/^\d{6}-/);
    // A second party of the same case is not touched.
    const other = await invitedParty(roomId, '某公司', 'respondent');
    const bystander = await open('/documents', { token: other.token });

    const closed = nextEvent(main, 'room:closed');
    const cuts = [cutOff(main), cutOff(documents), cutOff(progress)];
    const revoked = await t.api('POST', `/api/invitations/${party.invitationId}/revoke`, undefined, clerk.token);
    expect(revoked.status).toBe(200);
    for (const cut of await Promise.all(cuts)) expect(cut).toEqual({ reason: 'revoked', disconnect: 'io server disconnect' });
    expect((await closed).reason).toBe('revoked');
    expect(bystander.connected).toBe(true);

    for (const namespace of ['', '/documents', '/progress']) {
      expect(await connectRefused(`${t.url}${namespace}`, { token: party.token }), namespace).toBe('UNAUTHORIZED');
    }
    expect((await t.api('GET', '/api/invitation', undefined, party.token)).status).toBe(401);
    expect((await t.api('GET', '/api/party/documents', undefined, party.token)).status).toBe(401);
    // The case goes on for everyone else.
    expect((await t.api('GET', `/api/cases/${caseId}`, undefined, clerk.token)).status).toBe(200);
  });

  it('removing a guest from the session cuts its other connections too, telling it it was removed', async () => {
    const { roomId } = await caseSession(mediator);
    const host = await open('', { token: mediator.token, roomId });
    await joinRoom(host);
    const party = await invitedParty(roomId, '李四');
    const main = await open('', { token: party.token });
    const waiting = new Promise<string>((resolve) =>
      host.on('session:state', (s) => {
        const p = s.participants.find((x) => x.name === '李四' && x.presence === 'online');
        if (p) resolve(p.id);
      }),
    );
    await joinRoom(main);
    const participantId = await waiting;
    const documents = await open('/documents', { token: party.token });
    const closed = nextEvent(main, 'room:closed');
    const cut = cutOff(documents);
    await ok(host, 'session:remove', { participantId });
    expect((await closed).reason).toBe('removed');
    expect(await cut).toEqual({ reason: 'removed', disconnect: 'io server disconnect' });
    expect(await connectRefused(`${t.url}/documents`, { token: party.token })).toBe('UNAUTHORIZED');
    expect(await connectRefused(t.url, { token: party.token })).toBe('UNAUTHORIZED');
  });
});

describe('disabling a staff account', () => {
  it('drops its console sockets and refuses its token over HTTP and socket.io, until enabled again', async () => {
    const host = await seedStaff(t, orgId, 'mediator', 'mediator2');
    const { caseId, roomId } = await caseSession(host);
    const main = await open('', { token: host.token, roomId });
    await joinRoom(main);
    const documents = await open('/documents', { token: host.token, caseId });
    const progress = await open('/progress', { token: host.token });
    // Another staff member's sockets stay.
    const colleague = await open('/progress', { token: mediator.token });

    const closed = nextEvent(main, 'room:closed');
    const cuts = [cutOff(main), cutOff(documents), cutOff(progress)];
    // A clerk may not disable anyone; the organisation's admin may (not itself).
    expect((await t.api('POST', `/api/staff/${host.id}/disable`, undefined, clerk.token)).status).toBe(403);
    expect((await t.api('POST', `/api/staff/${orgAdmin.id}/disable`, undefined, orgAdmin.token)).status).toBe(400);
    expect(main.connected).toBe(true);
    const disabled = await t.api('POST', `/api/staff/${host.id}/disable`, undefined, orgAdmin.token);
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    for (const cut of await Promise.all(cuts)) expect(cut).toEqual({ reason: 'disabled', disconnect: 'io server disconnect' });
    expect((await closed).reason).toBe('disabled');
    expect(colleague.connected).toBe(true);

    expect((await t.api('GET', '/api/cases', undefined, host.token)).status).toBe(401);
    expect((await t.api('GET', '/api/rooms', undefined, host.token)).status).toBe(401);
    expect(await connectRefused(t.url, { token: host.token, roomId })).toBe('UNAUTHORIZED');
    expect(await connectRefused(`${t.url}/documents`, { token: host.token, caseId })).toBe('UNAUTHORIZED');
    expect(await connectRefused(`${t.url}/progress`, { token: host.token })).toBe('UNAUTHORIZED');
    expect((await t.api('POST', '/api/auth/login', { username: host.username, password: host.password })).status).toBe(401);
    const listed = await t.api<{ staff: { id: string; disabled: boolean }[] }>('GET', '/api/staff', undefined, orgAdmin.token);
    expect(listed.body.staff.find((s) => s.id === host.id)?.disabled).toBe(true);

    expect((await t.api('POST', `/api/staff/${host.id}/enable`, undefined, orgAdmin.token)).status).toBe(200);
    expect((await t.api('GET', '/api/cases', undefined, host.token)).status).toBe(200);
    const again = await open('/progress', { token: host.token });
    expect(again.connected).toBe(true);
  });

  it('is decided with the organisation: another organisation cannot disable the account', async () => {
    const otherOrg = await seedOrganisation(t, '另一调解中心');
    const otherAdmin = await seedStaff(t, otherOrg.id, 'admin', 'otheradmin');
    expect((await t.api('POST', `/api/staff/${mediator.id}/disable`, undefined, otherAdmin.token)).status).toBe(404);
    expect((await t.api('GET', '/api/cases', undefined, mediator.token)).status).toBe(200);
  });
});
