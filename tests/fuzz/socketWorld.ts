/**
 * A live room for the socket fuzz test, with one actor in each state a
 * request can meet: the host (staff, joined, producing), an admitted party
 * (producing and consuming), a party waiting in the lobby, and a connected
 * socket that has not joined. `ensure()` puts back whatever the last request
 * took away (a removed party, a left host), so every step starts from a
 * known cast; `snapshot()` is what a refused request must leave untouched.
 */
import { randomInt } from 'node:crypto';
import type { SessionSnapshot } from '../../server/signalling/protocol.ts';
import type { TestServer } from '../helpers/testServer.ts';
import {
  connect,
  fakeDtlsParameters,
  joinRoom,
  ok,
  opusRtpParameters,
  request,
  vp8RtpParameters,
  type ClientSocket,
} from '../helpers/signallingClient.ts';
import { recorderTables, storeSnapshot } from './fuzzKit.ts';

/** Invites over HTTP and redeems through the service: fuzzing rebuilds parties more often than the redemption rate limit allows. */
export async function servicePartyToken(t: TestServer, roomId: string, displayName: string, role = 'applicant'): Promise<string> {
  const { token } = await t.invite(roomId, displayName, role);
  return (await t.server.invitations.redeem({ token }, { ip: '127.0.0.1', userAgent: 'fuzz' })).partyToken;
}

export const actorNames = ['host', 'party', 'lobby', 'fresh'] as const;
export type ActorName = (typeof actorNames)[number];

interface Actor {
  socket: ClientSocket;
  peerId: string | null;
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

export class SocketWorld {
  readonly actors = new Map<ActorName, Actor>();
  private hostView: SessionSnapshot | undefined;
  private serial = 0;
  /** Transports the recorder made (PlainTransports): they come and go on the recorder's schedule, not the request's. */
  private readonly recorderTransports = new Set<string>();
  private readonly watched = new WeakSet<object>();
  routerRtpCapabilities: unknown;

  constructor(
    readonly t: TestServer,
    readonly roomId: string,
  ) {}

  get room() {
    const room = this.t.server.liveRooms.get(this.roomId);
    if (room && !this.watched.has(room.router)) {
      this.watched.add(room.router);
      room.router.observer.on('newtransport', (transport) => {
        if (transport.constructor.name === 'PlainTransport') this.recorderTransports.add(transport.id);
      });
    }
    return room;
  }

  socketOf(name: ActorName): ClientSocket {
    return this.actors.get(name)!.socket;
  }

  /** Ids a request may name: everything live in the room, so valid payloads reach the handlers. */
  ids() {
    const peers = [...(this.room?.peers.values() ?? [])];
    const transports = peers.flatMap((p) => [...p.transports.keys()]);
    const producers = peers.flatMap((p) => [...p.producers.keys()]);
    const consumers = peers.flatMap((p) => [...p.consumers.keys()]);
    const participants = (this.hostView?.participants ?? []).map((p) => p.id);
    return { transports, producers, consumers, participants, peers: peers.map((p) => p.id) };
  }

  /** The transport, producer and consumer ids of one actor's own peer. */
  own(name: ActorName) {
    const peerId = this.actors.get(name)?.peerId;
    const peer = peerId ? this.room?.peers.get(peerId) : undefined;
    return {
      transports: [...(peer?.transports.keys() ?? [])],
      producers: [...(peer?.producers.keys() ?? [])],
      consumers: [...(peer?.consumers.keys() ?? [])],
    };
  }

  /** Brings every actor back to its state; returns what had to be rebuilt. */
  async ensure(): Promise<string[]> {
    const rebuilt: string[] = [];
    if (!this.isJoined('host')) {
      rebuilt.push('host');
      await this.makeHost();
    }
    if (!this.isJoined('party')) {
      rebuilt.push('party');
      await this.makeParty('party', true);
    }
    if (!this.isJoined('lobby')) {
      rebuilt.push('lobby');
      await this.makeParty('lobby', false);
    }
    const fresh = this.actors.get('fresh');
    if (!fresh?.socket.connected || fresh.peerId) {
      rebuilt.push('fresh');
      fresh?.socket.close();
      const token = await this.partyToken(this.name('旁听'), 'witness');
      this.actors.set('fresh', { socket: await connect(this.t.url, { token }), peerId: null });
    }
    if (rebuilt.length) await settle(60);
    return rebuilt;
  }

  /** Follows what an answered request did to its actor (a join gives it a new peer). */
  observe(name: ActorName, requestName: string, reply: { ok: boolean; data?: unknown }): void {
    const actor = this.actors.get(name);
    if (actor && reply.ok && requestName === 'room:join') actor.peerId = (reply.data as { peerId: string }).peerId;
  }

  /** What a refused request must not change: the store, the worker's objects, the room's registry and the session as the host sees it. */
  async snapshot() {
    const room = this.room;
    const dump = room ? ((await room.router.dump()) as { transportIds: string[] }) : undefined;
    const transports = room
      ? await Promise.all(
          [...room.peers.values()].flatMap((p) =>
            [...p.transports.values()].map(async (transport) => {
              const d = (await transport.dump()) as { id: string; producerIds: string[]; consumerIds: string[] };
              return { id: d.id, producers: [...d.producerIds].sort(), consumers: [...d.consumerIds].sort() };
            }),
          ),
        )
      : [];
    const peers = [...(room?.peers.values() ?? [])]
      .map((p) => ({
        id: p.id,
        closed: p.closed,
        transports: [...p.transports.keys()].sort(),
        producers: [...p.producers.values()].map((x) => `${x.id}:${x.paused}`).sort(),
        consumers: [...p.consumers.values()].map((x) => `${x.id}:${x.paused}:${JSON.stringify(x.preferredLayers ?? null)}`).sort(),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const view = this.hostView && {
      phase: this.hostView.phase,
      privateTalk: this.hostView.privateTalk?.side ?? null,
      participants: this.hostView.participants
        .map((p) => ({ id: p.id, admitted: p.admitted, verified: p.verified, hand: p.handRaised, muted: p.mutedByHost, presence: p.presence }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
    const store = await storeSnapshot(this.t.server.db, recorderTables);
    return {
      store,
      router: dump ? dump.transportIds.filter((id) => !this.recorderTransports.has(id)).sort() : null,
      transports: transports.sort((a, b) => a.id.localeCompare(b.id)),
      peers,
      view,
      workers: this.t.server.pool.pids().length,
    };
  }

  close(): void {
    for (const actor of this.actors.values()) actor.socket.close();
  }

  private name(prefix: string) {
    return `${prefix}${++this.serial}`;
  }

  private partyToken(displayName: string, role: string): Promise<string> {
    return servicePartyToken(this.t, this.roomId, displayName, role);
  }

  private isJoined(name: ActorName): boolean {
    const actor = this.actors.get(name);
    return Boolean(actor?.socket.connected && actor.peerId && this.room?.peers.get(actor.peerId) && !this.room.peers.get(actor.peerId)!.closed);
  }

  private async makeHost() {
    this.actors.get('host')?.socket.close();
    const socket = await connect(this.t.url, { token: this.t.staffToken, roomId: this.roomId });
    socket.on('session:state', (snapshot) => (this.hostView = snapshot));
    const joined = await joinRoom(socket);
    void this.room; // watch the router before the recorder starts
    this.routerRtpCapabilities = joined.routerRtpCapabilities;
    this.actors.set('host', { socket, peerId: joined.peerId });
    const send = await ok(socket, 'transport:create', { direction: 'send' });
    await ok(socket, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtlsParameters() });
    await ok(socket, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(randomInt(1, 2 ** 31)), source: 'mic' });
  }

  private async makeParty(name: 'party' | 'lobby', admit: boolean) {
    this.actors.get(name)?.socket.close();
    const displayName = this.name(name === 'party' ? '申请人' : '被申请人');
    const token = await this.partyToken(displayName, name === 'party' ? 'applicant' : 'respondent');
    const socket = await connect(this.t.url, { token });
    const joined = await joinRoom(socket);
    this.actors.set(name, { socket, peerId: joined.peerId });
    if (!admit) return;
    const host = this.socketOf('host');
    let participantId: string | undefined;
    for (let i = 0; i < 100 && !participantId; i++) {
      participantId = this.hostView?.participants.find((p) => p.name === displayName && p.presence === 'online')?.id;
      if (!participantId) await settle(20);
    }
    if (!participantId) throw new Error(`the host never saw ${displayName}`);
    await request(host, 'session:verify', { participantId });
    await ok(host, 'session:admit', { participantId });
    const send = await ok(socket, 'transport:create', { direction: 'send' });
    await ok(socket, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtlsParameters() });
    await ok(socket, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(randomInt(1, 2 ** 31)), source: 'mic' });
    await ok(socket, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: vp8RtpParameters(randomInt(1, 2 ** 31)), source: 'camera' });
    const recv = await ok(socket, 'transport:create', { direction: 'recv' });
    await ok(socket, 'transport:connect', { transportId: recv.id, dtlsParameters: fakeDtlsParameters() });
    const hostProducer = this.own('host').producers[0];
    if (hostProducer) await request(socket, 'consumer:create', { producerId: hostProducer });
  }
}
