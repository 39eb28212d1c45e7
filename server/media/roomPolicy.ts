/**
 * The consume policy as the SFU applies it: who may receive which producer,
 * checked on every consume and resume and again after each of their awaits,
 * and `reconcilePeers()`, which re-applies it to every consumer that really
 * exists on the receive transports (not only those a request finished
 * registering), so nothing in flight survives a rule change.
 */
import type { types } from 'mediasoup';
import type { MediaPeer, ProducerAppData } from './mediaPeer.ts';
import { summarizeProducer } from './mediaPeer.ts';

/**
 * Decides what each peer may receive and whom it may see listed. The room
 * applies it to every announcement and every consume request, and
 * `reconcile()` re-applies it to what exists when the rules change.
 */
export interface ConsumePolicy {
  canConsume(receiver: MediaPeer, producer: types.Producer<ProducerAppData>): boolean;
  canSee(viewer: MediaPeer, peer: MediaPeer): boolean;
}

export const openRoomPolicy: ConsumePolicy = { canConsume: () => true, canSee: () => true };

export interface PolicyScope {
  readonly peers: Map<string, MediaPeer>;
  readonly policy: ConsumePolicy;
  findProducer(producerId: string): types.Producer<ProducerAppData> | undefined;
}

/** Whether `receiver` may receive `producer` now: its owner is in the room, visible and heard. */
export function mayConsume(scope: PolicyScope, receiver: MediaPeer, producer: types.Producer<ProducerAppData>): boolean {
  const owner = scope.peers.get(producer.appData.peerId);
  if (!owner || owner === receiver || owner.closed || receiver.closed || producer.closed) return false;
  return scope.policy.canSee(receiver, owner) && scope.policy.canConsume(receiver, producer);
}

/** Closes a consumer the policy no longer allows and tells its client. */
export function revokeConsumer(receiver: MediaPeer, consumer: types.Consumer): void {
  if (consumer.closed) return;
  consumer.close();
  receiver.notify('consumer:closed', { consumerId: consumer.id, producerId: consumer.producerId });
}

/**
 * Re-applies the policy after its rules changed (admission, a private
 * talk): consumers that are no longer allowed are closed in the worker,
 * and each peer is told only of what it may now see.
 */
export function reconcilePeers(scope: PolicyScope): void {
  const { peers, policy } = scope;
  for (const receiver of peers.values()) {
    if (receiver.closed) continue;
    // Every consumer on the peer's transports, including one whose consume request is still awaiting.
    for (const consumer of [...receiver.consumers.values()]) {
      const producer = scope.findProducer(consumer.producerId);
      if (!producer || !mayConsume(scope, receiver, producer)) revokeConsumer(receiver, consumer);
    }
    for (const peer of peers.values()) {
      if (peer === receiver) continue;
      const seen = policy.canSee(receiver, peer);
      if (seen && !receiver.visiblePeers.has(peer.id)) {
        receiver.visiblePeers.add(peer.id);
        // Its producers follow one by one below, each as it becomes visible.
        receiver.notify('peer:joined', { id: peer.id, displayName: peer.displayName, role: peer.identity.role, producers: [] });
      }
      for (const producer of peer.producers.values()) {
        const allowed = seen && policy.canConsume(receiver, producer);
        if (allowed && !receiver.visibleProducers.has(producer.id)) {
          receiver.visibleProducers.add(producer.id);
          receiver.notify('producer:new', summarizeProducer(producer));
        } else if (!allowed && receiver.visibleProducers.has(producer.id)) {
          receiver.visibleProducers.delete(producer.id);
          receiver.notify('producer:closed', { producerId: producer.id, peerId: peer.id });
        }
      }
      if (!seen && receiver.visiblePeers.has(peer.id)) {
        receiver.visiblePeers.delete(peer.id);
        receiver.notify('peer:left', { peerId: peer.id });
      }
    }
  }
}
