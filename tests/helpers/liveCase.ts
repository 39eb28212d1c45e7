/** A case session with node-side signalling clients, for session and fault tests (see tests/integration/sessions.test.ts). */
import { expect } from 'vitest';
import type { SessionSnapshot } from '../../server/signalling/protocol.ts';
import type { TestServer } from './testServer.ts';
import { application, residentId, seedOrganisation, seedStaff, submitApplication } from './cases.ts';
import { connect, fakeDtlsParameters, ok, opusRtpParameters, vp8RtpParameters, type ClientSocket } from './signallingClient.ts';

export type Staff = Awaited<ReturnType<typeof seedStaff>>;
export interface Participant {
  socket: ClientSocket;
  state: { latest?: SessionSnapshot };
}

let applicants = 0;

export async function seedHosts(t: TestServer, suffix = '') {
  const orgId = (await seedOrganisation(t)).id;
  return {
    orgId,
    mediator: await seedStaff(t, orgId, 'mediator', `mediator${suffix}`),
    orgAdmin: await seedStaff(t, orgId, 'admin', `orgadmin${suffix}`),
    clerk: await seedStaff(t, orgId, 'clerk', `clerk${suffix}`),
  };
}

/** A case assigned to `host`, accepted by `clerk`, with a session of the given mode scheduled now. */
export async function caseSession(t: TestServer, orgId: string, clerk: Staff, host: Staff, mode: 'face_to_face' | 'back_to_back' | 'hearing') {
  const applicant = { ...application(orgId).applicant, idNumber: residentId(100 + ++applicants) };
  const created = await submitApplication(t, application(orgId, { applicant }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const list = await t.api<{ cases: { id: string; serialNumber: string }[] }>('GET', '/api/cases', undefined, clerk.token);
  const caseId = list.body.cases.find((c) => c.serialNumber === created.body.serialNumber)!.id;
  await t.api('POST', `/api/cases/${caseId}/accept`, undefined, clerk.token);
  await t.api('POST', `/api/cases/${caseId}/assign`, { userId: host.id }, clerk.token);
  const session = await t.api<{ id: string }>('POST', `/api/cases/${caseId}/sessions`, { mode, scheduledAt: new Date().toISOString() }, host.token);
  expect(session.status).toBe(201);
  return { caseId, roomId: session.body.id };
}

/** A socket that keeps the latest session snapshot it was sent. */
export async function participant(url: string, auth: { token: string; roomId?: string }, sockets: ClientSocket[]): Promise<Participant> {
  const socket = await connect(url, auth);
  sockets.push(socket);
  const state: { latest?: SessionSnapshot } = {};
  socket.on('session:state', (snapshot) => (state.latest = snapshot));
  return { socket, state };
}

/** A microphone and a camera (fake RTP parameters), and a receive transport. */
export async function produceBoth(socket: ClientSocket) {
  const send = await ok(socket, 'transport:create', { direction: 'send' });
  await ok(socket, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtlsParameters() });
  const mic = await ok(socket, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(), source: 'mic' });
  const camera = await ok(socket, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(), source: 'camera' });
  const recv = await ok(socket, 'transport:create', { direction: 'recv' });
  await ok(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
  return { mic: mic.id, camera: camera.id };
}

export async function admitAll(host: Participant, names: string[]) {
  for (const name of names) {
    await expect.poll(() => host.state.latest?.participants.find((p) => p.name === name && p.presence === 'online')).toBeTruthy();
    const id = host.state.latest!.participants.find((p) => p.name === name)!.id;
    await ok(host.socket, 'session:verify', { participantId: id });
    await ok(host.socket, 'session:admit', { participantId: id });
  }
}

export const participantId = (host: Participant, name: string) => host.state.latest!.participants.find((p) => p.name === name)!.id;
