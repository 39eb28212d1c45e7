/**
 * Tells whoever watches a case (an applicant's phone, the console) that it
 * changed. In-process by default; a deployment with several servers puts a
 * shared bus (e.g. Redis pub/sub) behind the same interface.
 */
import { EventEmitter } from 'node:events';

export interface CaseChange {
  caseId: string;
  status: string;
}

export interface CaseEventBus {
  publish(change: CaseChange): void;
  subscribe(listener: (change: CaseChange) => void): () => void;
}

export class LocalCaseEventBus implements CaseEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(change: CaseChange): void {
    this.emitter.emit('change', change);
  }

  subscribe(listener: (change: CaseChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
