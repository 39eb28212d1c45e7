/** What each media request does for one connected socket. */
import type { types } from 'mediasoup';
import { AppError } from '../../errors.ts';
import { MediaPeer, type Notify } from '../../media/mediaPeer.ts';
import type { MediaRoom } from '../../media/mediaRoom.ts';
import type { LiveRooms } from '../../rooms/liveRooms.ts';
import type { CaseService } from '../../cases/caseService.ts';
import type { LiveSessions } from '../../sessions/liveSessions.ts';
import { forbidden } from '../../errors.ts';
import { isStaffRole } from '../../auth/policy.ts';
import { ErrorCode } from '../protocol.ts';
import { rtpParametersProblem } from '../../media/rtpGrammar.ts';
import type { RequestHandlers } from '../requests.ts';
import type { YuntingSocket } from '../types.ts';

export type MediaRequestHandlers = Pick<
  RequestHandlers,
  Extract<keyof RequestHandlers, `room:${string}` | `transport:${string}` | `producer:${string}` | `consumer:${string}`>
>;

export function mediaHandlers(
  socket: YuntingSocket,
  { liveRooms, sessions, cases }: { liveRooms: LiveRooms; sessions: LiveSessions; cases: CaseService },
  notify: Notify,
): MediaRequestHandlers {
  const identity = socket.data.identity;

  const joined = (): { room: MediaRoom; peer: MediaPeer } => {
    const room = liveRooms.get(identity.roomId);
    const peer = socket.data.peerId ? room?.peers.get(socket.data.peerId) : undefined;
    if (!room || !peer) throw new AppError(ErrorCode.NotJoined, 'Join the room first');
    return { room, peer };
  };

  const stillConnected = () => {
    if (!socket.connected) throw new AppError(ErrorCode.NotJoined, 'The connection closed during the join');
  };

  return {
    'room:capabilities': async () => {
      const room = await (await sessions.get(identity.roomId)).mediaRoom();
      return { routerRtpCapabilities: room.rtpCapabilities };
    },

    'room:join': async ({ rtpCapabilities, device }) => {
      const current = socket.data.peerId ? liveRooms.get(identity.roomId)?.peers.get(socket.data.peerId) : undefined;
      if (current) throw new AppError(ErrorCode.AlreadyJoined, 'Already in the room');
      const session = await sessions.get(identity.roomId);
      stillConnected();
      const participant = await session.enter(identity);
      const peer = new MediaPeer(identity, rtpCapabilities as types.RtpCapabilities, notify, device);
      let room: MediaRoom;
      try {
        room = await session.mediaRoom();
        // The socket may have dropped while the media room was made: then no peer is added (no ghost).
        stillConnected();
      } catch (error) {
        peer.close();
        session.attach(participant, peer); // a closed peer: the participant is shown as reconnecting
        throw error;
      }
      const { replaced } = room.addPeer(peer);
      replaced?.notify('room:closed', { reason: 'replaced' });
      socket.data.peerId = peer.id;
      peer.once('closed', () => {
        if (socket.data.peerId === peer.id) delete socket.data.peerId;
      });
      const peers = room.peersFor(peer);
      // After the answer: the session state that follows from this join.
      setImmediate(() => session.attach(participant, peer));
      if (isStaffRole(identity.role) && identity.role !== 'clerk') {
        await cases.sessionStarted(room.id, { userId: identity.subject.replace(/^staff:/, ''), name: identity.displayName });
      }
      return { peerId: peer.id, roomId: room.id, displayName: peer.displayName, role: identity.role, peers };
    },

    'room:leave': async () => {
      const { peer } = joined();
      peer.close();
      return {};
    },

    'transport:create': async ({ direction }) => {
      const { room, peer } = joined();
      return room.createTransport(peer, direction);
    },

    'transport:connect': async ({ transportId, dtlsParameters }) => {
      const { room, peer } = joined();
      await room.connectTransport(peer, transportId, dtlsParameters as types.DtlsParameters);
      return {};
    },

    'transport:restartIce': async ({ transportId }) => {
      const { room, peer } = joined();
      return { iceParameters: await room.restartIce(peer, transportId) };
    },

    'producer:create': async ({ transportId, kind, rtpParameters, source }) => {
      const { room, peer } = joined();
      const malformed = rtpParametersProblem(rtpParameters);
      if (malformed) throw new AppError(ErrorCode.InvalidPayload, `Malformed RTP parameters: ${malformed}`);
      const producer = await room.produce(peer, transportId, kind, rtpParameters as types.RtpParameters, source);
      return { id: producer.id };
    },

    'producer:pause': async ({ producerId }) => {
      const { room, peer } = joined();
      await room.setProducerPaused(peer, producerId, true);
      return {};
    },

    'producer:resume': async ({ producerId }) => {
      const { room, peer } = joined();
      if (!(await sessions.get(identity.roomId)).mayResume(peer, producerId)) throw forbidden('The host has muted you');
      await room.setProducerPaused(peer, producerId, false);
      return {};
    },

    'producer:close': async ({ producerId }) => {
      const { room, peer } = joined();
      room.closeProducer(peer, producerId);
      return {};
    },

    'consumer:create': async ({ producerId }) => {
      const { room, peer } = joined();
      const info = await room.consume(peer, producerId);
      // Its SFU score is the receiver's downlink, one input to its connection quality.
      const consumer = peer.consumers.get(info.id);
      if (consumer) (await sessions.get(identity.roomId)).watchConsumer(peer, consumer);
      return info;
    },

    'consumer:resume': async ({ consumerId }) => {
      const { room, peer } = joined();
      await room.setConsumerPaused(peer, consumerId, false);
      return {};
    },

    'consumer:pause': async ({ consumerId }) => {
      const { room, peer } = joined();
      await room.setConsumerPaused(peer, consumerId, true);
      return {};
    },

    'consumer:setLayers': async ({ consumerId, spatialLayer, temporalLayer }) => {
      const { room, peer } = joined();
      await room.setConsumerLayers(peer, consumerId, spatialLayer, temporalLayer);
      return {};
    },
  };
}
