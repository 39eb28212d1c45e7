/**
 * One room's media: a router on one worker and the peers in it. Every media
 * operation a client asks for goes through here, so the room can refuse
 * what its consume policy forbids (back-to-back isolation builds on that).
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import {
  ErrorCode,
  type ConsumerInfo,
  type MediaKind,
  type PeerSummary,
  type ProducerSource,
  type ServerToClientEvents,
  type TransportInfo,
} from '../signalling/protocol.ts';
import { mediaCodecs } from './codecs.ts';
import { MediaPeer, summarizeProducer, type ProducerAppData, type TransportAppData } from './mediaPeer.ts';
import type { WorkerSlot } from './workerPool.ts';
import { mayConsume, openRoomPolicy, reconcilePeers, revokeConsumer, type ConsumePolicy } from './roomPolicy.ts';

export { openRoomPolicy, type ConsumePolicy } from './roomPolicy.ts';

/** Per-peer caps: one producer per source (mic, camera, screen) is fixed; consumers are configurable. */
export interface MediaLimits {
  maxConsumersPerPeer: number;
}

export const defaultMediaLimits: MediaLimits = { maxConsumersPerPeer: 60 };

const MAX_INCOMING_BITRATE = 1_500_000;
const INITIAL_OUTGOING_BITRATE = 600_000;

export interface MediaRoomEvents {
  closed: [];
  /** Fired when the last peer has left. */
  empty: [];
  producerCreated: [types.Producer<ProducerAppData>];
}

export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly peers = new Map<string, MediaPeer>();
  policy: ConsumePolicy = openRoomPolicy;
  closed = false;

  private constructor(
    readonly id: string,
    readonly slot: WorkerSlot,
    readonly router: types.Router,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
    private readonly log: FastifyBaseLogger,
    private readonly limits: MediaLimits,
  ) {
    super();
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      const peerId = (producer.appData as ProducerAppData).peerId;
      // Only those who hear the speaker learn who is speaking.
      this.broadcast((peer) => peer.visibleProducers.has(producer.id), 'speaker:active', { peerId });
    });
    router.on('workerclose', () => {
      // The worker died under us: tell every client to rebuild its media, then forget it.
      this.log.warn('worker closed under the room; asking peers to rejoin');
      this.broadcast(() => true, 'room:rejoin', { reason: 'worker-died' });
      this.close();
    });
  }

  static async create(id: string, slot: WorkerSlot, log: FastifyBaseLogger, limits: MediaLimits = defaultMediaLimits): Promise<MediaRoom> {
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { roomId: id } });
    try {
      const speakerObserver = await router.createActiveSpeakerObserver({ interval: 500 });
      slot.routers++;
      return new MediaRoom(id, slot, router, speakerObserver, log.child({ roomId: id }), limits);
    } catch (error) {
      router.close();
      throw error;
    }
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** Adds a peer; a peer with the same identity is replaced (a reconnecting phone). */
  addPeer(peer: MediaPeer): { replaced: MediaPeer | undefined } {
    this.assertOpen();
    const replaced = [...this.peers.values()].find((p) => p.identity.subject === peer.identity.subject);
    if (replaced) this.removePeer(replaced.id);
    this.peers.set(peer.id, peer);
    peer.once('closed', () => this.onPeerClosed(peer));
    for (const other of this.peers.values()) {
      if (other === peer || other.closed || !this.policy.canSee(other, peer)) continue;
      other.visiblePeers.add(peer.id);
      other.notify('peer:joined', this.summarize(peer, other));
    }
    this.log.info({ peerId: peer.id, role: peer.identity.role }, 'peer joined');
    return { replaced };
  }

  removePeer(peerId: string): void {
    this.peers.get(peerId)?.close();
  }

  /** The other peers as `viewer` may see them: only producers it may consume. */
  peersFor(viewer: MediaPeer): PeerSummary[] {
    const visible = [...this.peers.values()].filter((p) => p !== viewer && this.policy.canSee(viewer, p));
    for (const peer of visible) viewer.visiblePeers.add(peer.id);
    return visible.map((p) => this.summarize(p, viewer));
  }

  /**
   * Re-applies the policy after its rules changed (admission, a private
   * talk): consumers that are no longer allowed are closed in the worker,
   * and each peer is told only of what it may now see.
   */
  reconcile(): void {
    reconcilePeers(this);
  }

  async createTransport(peer: MediaPeer, direction: 'send' | 'recv'): Promise<TransportInfo> {
    this.assertOpen();
    const existing = [...peer.transports.values()].find((t) => t.appData.direction === direction);
    // A client that lost its transport state asks again; give it a fresh one.
    existing?.close();
    const transport = await this.router.createWebRtcTransport<TransportAppData>({
      webRtcServer: this.slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      appData: { direction },
    });
    if (peer.closed) {
      transport.close();
      throw new AppError(ErrorCode.NotJoined, 'Peer left while the transport was being created');
    }
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    // Registered the moment the worker made it, so reconcile() sees a consumer still in flight.
    transport.observer.on('newconsumer', (consumer) => this.adoptConsumer(peer, consumer));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.log.warn({ peerId: peer.id, state }, 'transport DTLS state');
    });
    if (direction === 'send') {
      await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE).catch(() => undefined);
    }
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: MediaPeer, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = peer.transport(transportId);
    if (transport.appData.connectRequested) throw new AppError(ErrorCode.InvalidPayload, 'Transport is already connected');
    transport.appData.connectRequested = true;
    try {
      await transport.connect({ dtlsParameters });
    } catch (error) {
      transport.appData.connectRequested = false;
      throw error;
    }
  }

  async restartIce(peer: MediaPeer, transportId: string): Promise<types.IceParameters> {
    return peer.transport(transportId).restartIce();
  }

  async produce(
    peer: MediaPeer,
    transportId: string,
    kind: MediaKind,
    rtpParameters: types.RtpParameters,
    source: ProducerSource,
  ): Promise<types.Producer<ProducerAppData>> {
    const transport = peer.transport(transportId, 'send');
    const expectedKind: MediaKind = source === 'mic' ? 'audio' : 'video';
    if (kind !== expectedKind) throw new AppError(ErrorCode.InvalidPayload, `A ${source} producer must be ${expectedKind}`);
    // One microphone, one camera, one screen per peer: each producer costs a recorder and a part.
    if (peer.pendingSources.has(source) || [...peer.producers.values()].some((p) => p.appData.source === source)) {
      throw new AppError(ErrorCode.LimitReached, `This peer already sends a ${source}; close it first`);
    }
    peer.pendingSources.add(source);
    let producer: types.Producer<ProducerAppData>;
    try {
      producer = await transport.produce<ProducerAppData>({ kind, rtpParameters, appData: { peerId: peer.id, source } });
    } finally {
      peer.pendingSources.delete(source);
    }
    if (peer.closed || this.closed) {
      producer.close();
      throw new AppError(ErrorCode.NotJoined, 'Peer left while producing');
    }
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      for (const other of this.peers.values()) {
        if (other.visibleProducers.delete(producer.id)) other.notify('producer:closed', { producerId: producer.id, peerId: peer.id });
      }
    });
    if (kind === 'audio') await this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    this.emit('producerCreated', producer);
    for (const other of this.peers.values()) {
      if (other === peer || other.closed || !this.policy.canSee(other, peer) || !this.policy.canConsume(other, producer)) continue;
      other.visibleProducers.add(producer.id);
      other.notify('producer:new', summarizeProducer(producer));
    }
    return producer;
  }

  async setProducerPaused(peer: MediaPeer, producerId: string, paused: boolean): Promise<void> {
    const producer = peer.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    this.broadcast((p) => p.visibleProducers.has(producerId), paused ? 'producer:paused' : 'producer:resumed', {
      producerId,
      peerId: peer.id,
    });
  }

  closeProducer(peer: MediaPeer, producerId: string): void {
    peer.producer(producerId).close();
  }

  async consume(receiver: MediaPeer, producerId: string): Promise<ConsumerInfo> {
    const producer = this.findProducer(producerId);
    // A producer the receiver may not see is reported like one that does not exist.
    if (!producer || !mayConsume(this, receiver, producer)) {
      throw new AppError(ErrorCode.NotFound, `No producer ${producerId} available to this peer`);
    }
    // One consumer per producer per peer: asking again returns the one it has.
    const existing = [...receiver.consumers.values()].find((c) => c.producerId === producerId && !c.closed);
    if (existing) return consumerInfo(existing, producer);
    if (receiver.consumers.size >= this.limits.maxConsumersPerPeer) {
      throw new AppError(ErrorCode.LimitReached, `At most ${this.limits.maxConsumersPerPeer} consumers per peer`);
    }
    if (!this.router.canConsume({ producerId, rtpCapabilities: receiver.rtpCapabilities })) {
      throw new AppError(ErrorCode.CannotConsume, 'This device cannot decode that producer');
    }
    const transport = receiver.recvTransport();
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities: receiver.rtpCapabilities,
      paused: true, // resumed when the client says it is ready, so no keyframe is lost
      appData: { peerId: producer.appData.peerId, source: producer.appData.source },
    });
    // The rules may have changed while the worker made it (a private talk began): decide again.
    if (receiver.closed) {
      consumer.close();
      throw new AppError(ErrorCode.NotJoined, 'Peer left while consuming');
    }
    if (consumer.closed || !mayConsume(this, receiver, producer)) {
      consumer.close();
      throw new AppError(ErrorCode.NotFound, `No producer ${producerId} available to this peer`);
    }
    return consumerInfo(consumer, producer);
  }

  async setConsumerPaused(peer: MediaPeer, consumerId: string, paused: boolean): Promise<void> {
    const consumer = peer.consumer(consumerId);
    if (paused) {
      await consumer.pause();
      return;
    }
    // Resuming is receiving: the policy must still allow it, before and after the worker answers.
    this.assertConsumable(peer, consumer);
    await consumer.resume();
    this.assertConsumable(peer, consumer);
  }

  async setConsumerLayers(peer: MediaPeer, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = peer.consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') return;
    await consumer.setPreferredLayers({ spatialLayer, temporalLayer });
  }

  findProducer(producerId: string): types.Producer<ProducerAppData> | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return producer;
    }
    return undefined;
  }

  /** Sends one event to every peer the filter accepts. */
  broadcast<E extends keyof ServerToClientEvents>(
    filter: (peer: MediaPeer) => boolean,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    for (const peer of this.peers.values()) {
      if (!peer.closed && filter(peer)) peer.notify(event, ...args);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    this.router.close();
    this.slot.routers = Math.max(0, this.slot.routers - 1);
    this.log.info('room media closed');
    this.emit('closed');
  }

  private summarize(peer: MediaPeer, viewer: MediaPeer): PeerSummary {
    return {
      id: peer.id,
      displayName: peer.displayName,
      role: peer.identity.role,
      producers: [...peer.producers.values()]
        .filter((producer) => peer === viewer || this.policy.canConsume(viewer, producer))
        .map((producer) => {
          if (peer !== viewer) viewer.visibleProducers.add(producer.id);
          return summarizeProducer(producer);
        }),
    };
  }

  private assertConsumable(peer: MediaPeer, consumer: types.Consumer): void {
    const producer = this.findProducer(consumer.producerId);
    if (producer && !consumer.closed && mayConsume(this, peer, producer)) return;
    revokeConsumer(peer, consumer);
    throw new AppError(ErrorCode.NotFound, `No consumer ${consumer.id} of this peer`);
  }

  /** Every consumer made on one of the peer's transports, in flight or not. */
  private adoptConsumer(peer: MediaPeer, consumer: types.Consumer): void {
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => peer.notify('consumer:closed', { consumerId: consumer.id, producerId: consumer.producerId }));
    consumer.on('layerschange', (layers) => {
      peer.notify('consumer:layers', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      });
    });
  }

  private onPeerClosed(peer: MediaPeer): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    for (const other of this.peers.values()) {
      if (other.visiblePeers.delete(peer.id)) other.notify('peer:left', { peerId: peer.id });
    }
    this.log.info({ peerId: peer.id }, 'peer left');
    if (this.peers.size === 0) this.emit('empty');
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError(ErrorCode.RoomUnavailable, 'The room media is being rebuilt; join again');
  }
}

function consumerInfo(consumer: types.Consumer, producer: types.Producer<ProducerAppData>): ConsumerInfo {
  return {
    id: consumer.id,
    producerId: producer.id,
    peerId: producer.appData.peerId,
    kind: consumer.kind,
    source: producer.appData.source,
    rtpParameters: consumer.rtpParameters,
    type: consumer.type,
    producerPaused: consumer.producerPaused,
  };
}
