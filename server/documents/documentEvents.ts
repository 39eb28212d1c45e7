/**
 * Tells whoever watches a case's documents (the parties' phones, the
 * console) that one changed. In-process, like the case event bus; a
 * deployment with several servers puts a shared bus behind the same interface.
 */
import { EventEmitter } from 'node:events';

export interface DocumentChange {
  documentId: string;
  caseId: string;
}

export class DocumentEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(change: DocumentChange): void {
    this.emitter.emit('change', change);
  }

  subscribe(listener: (change: DocumentChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
