/**
 * A node-side signalling client that speaks the real protocol with
 * socket.io-client. It cannot carry media, but everything it sends is what
 * a browser would send: valid DTLS fingerprints and RTP parameters.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  RequestName,
  RequestPayload,
  ResponseData,
  ServerToClientEvents,
} from '../../server/signalling/protocol.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function connect(url: string, auth: { token: string; roomId?: string }): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Connect and expect the handshake to be refused; resolves with the refusal's code. */
export async function connectRefused(url: string, auth: unknown): Promise<string> {
  const socket = io(url, { auth: auth as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connection was accepted')));
      socket.once('connect_error', (error) => resolve((error as Error & { data?: { code: string } }).data?.code ?? 'NO_CODE'));
    });
  } finally {
    socket.close();
  }
}

export function request<N extends RequestName>(
  socket: ClientSocket,
  name: N,
  payload: RequestPayload<N> | unknown,
): Promise<Ack<ResponseData[N]>> {
  return (socket.timeout(10_000) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<Ack<ResponseData[N]>> }).emitWithAck(
    name,
    payload,
  );
}

export async function ok<N extends RequestName>(socket: ClientSocket, name: N, payload: RequestPayload<N>): Promise<ResponseData[N]> {
  const answer = await request(socket, name, payload);
  if (!answer.ok) throw new Error(`${name} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}

export function fakeDtlsParameters() {
  const fingerprint = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return { role: 'client' as const, fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] };
}

export function opusRtpParameters(ssrc = 11111111) {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: 'node-client', reducedSize: true },
  };
}

export function vp8RtpParameters(ssrc = 22222222) {
  return {
    mid: '1',
    codecs: [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'ccm', parameter: 'fir' }] },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: 'node-client', reducedSize: true },
  };
}

/** Joins with the router's own capabilities (a device that can receive everything). */
export async function joinRoom(socket: ClientSocket) {
  const { routerRtpCapabilities } = await ok(socket, 'room:capabilities', {});
  const joined = await ok(socket, 'room:join', { rtpCapabilities: routerRtpCapabilities as never });
  return { routerRtpCapabilities, ...joined };
}

export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket.once as (e: string, l: (arg: unknown) => void) => void)(event, (arg) => {
      clearTimeout(timer);
      resolve(arg as Parameters<ServerToClientEvents[E]>[0]);
    });
  });
}

/**
 * A host (staff) in the room that admits everyone who waits in the lobby,
 * for tests about media rather than about the lobby itself.
 */
export async function autoAdmittingHost(url: string, staffToken: string, roomId: string): Promise<ClientSocket> {
  const host = await connect(url, { token: staffToken, roomId });
  const admitted = new Set<string>();
  host.on('session:state', (snapshot) => {
    for (const participant of snapshot.participants) {
      if (!participant.admitted && participant.presence === 'online' && !admitted.has(participant.id)) {
        admitted.add(participant.id);
        void request(host, 'session:admit', { participantId: participant.id });
      }
    }
  });
  await joinRoom(host);
  return host;
}

/** Joins and waits until the host has let this participant in. */
export async function joinAdmitted(socket: ClientSocket) {
  const admitted = new Promise<void>((resolve) => {
    const onState = (snapshot: { you: { admitted: boolean } }) => {
      if (!snapshot.you.admitted) return;
      socket.off('session:state', onState);
      resolve();
    };
    socket.on('session:state', onState);
  });
  const joined = await joinRoom(socket);
  await admitted;
  return joined;
}
