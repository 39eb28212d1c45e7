/**
 * A participant's media inside one room: it owns its transports, producers
 * and consumers, and closing it closes them all.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ProducerSource, ProducerSummary, ServerToClientEvents, SocketIdentity } from '../signalling/protocol.ts';
import { ErrorCode } from '../signalling/protocol.ts';
import { AppError } from '../errors.ts';

export interface ProducerAppData extends types.AppData {
  peerId: string;
  source: ProducerSource;
}

export interface TransportAppData extends types.AppData {
  direction: 'send' | 'recv';
  /** connect() may be called once per transport; a second call is a client bug. */
  connectRequested?: boolean;
}

/** How the room reaches this peer's client; the signalling layer binds it to a socket. */
export type Notify = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => void;

export class MediaPeer extends EventEmitter<{ closed: [] }> {
  readonly id = randomUUID();
  readonly transports = new Map<string, types.WebRtcTransport<TransportAppData>>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  /** Every consumer on this peer's transports (registered as the worker makes it). */
  readonly consumers = new Map<string, types.Consumer>();
  readonly joinedAt = new Date();
  /** Producers and peers this peer has been told about: what a policy change must take back or add. */
  readonly visibleProducers = new Set<string>();
  readonly visiblePeers = new Set<string>();
  /** Sources whose producer:create is awaiting the worker: a second one is refused. */
  readonly pendingSources = new Set<ProducerSource>();
  closed = false;

  constructor(
    readonly identity: SocketIdentity,
    readonly rtpCapabilities: types.RtpCapabilities,
    readonly notify: Notify,
    readonly device?: string,
  ) {
    super();
  }

  get displayName(): string {
    return this.identity.displayName;
  }

  transport(transportId: string, direction?: 'send' | 'recv'): types.WebRtcTransport<TransportAppData> {
    const transport = this.transports.get(transportId);
    if (!transport || (direction && transport.appData.direction !== direction)) {
      throw new AppError(ErrorCode.NotFound, `No ${direction ?? ''} transport ${transportId} for this peer`.replace('  ', ' '));
    }
    return transport;
  }

  producer(producerId: string): types.Producer<ProducerAppData> {
    const producer = this.producers.get(producerId);
    if (!producer) throw new AppError(ErrorCode.NotFound, `No producer ${producerId} of this peer`);
    return producer;
  }

  consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new AppError(ErrorCode.NotFound, `No consumer ${consumerId} of this peer`);
    return consumer;
  }

  recvTransport(): types.WebRtcTransport<TransportAppData> {
    for (const transport of this.transports.values()) {
      if (transport.appData.direction === 'recv') return transport;
    }
    throw new AppError(ErrorCode.NotFound, 'Create a receive transport first');
  }

  producerSummaries(): ProducerSummary[] {
    return [...this.producers.values()].map((p) => summarizeProducer(p));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Closing a transport closes its producers and consumers in the worker.
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.emit('closed');
  }
}

export function summarizeProducer(producer: types.Producer<ProducerAppData>): ProducerSummary {
  return {
    id: producer.id,
    peerId: producer.appData.peerId,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
  };
}
