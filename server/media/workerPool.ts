/**
 * One mediasoup worker per CPU core, each with one WebRtcServer so that all
 * of a worker's transports share one UDP and one TCP port. A worker that
 * dies is replaced on the same ports; listeners learn which worker died so
 * that its rooms can be rebuilt elsewhere.
 */
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type { MediaConfig } from '../config.ts';
import { loadMediasoup } from './mediasoupBinary.ts';

export interface WorkerSlot {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Rooms (routers) currently placed on this worker; the load measure. */
  routers: number;
}

export interface WorkerPoolEvents {
  workerDied: [deadWorkerPid: number, slotIndex: number];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private closed = false;

  private constructor(
    private readonly config: MediaConfig,
    private readonly log: FastifyBaseLogger,
    private readonly slots: WorkerSlot[],
  ) {
    super();
  }

  static async create(config: MediaConfig, log: FastifyBaseLogger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, log, []);
    try {
      for (let index = 0; index < Math.max(1, config.workers); index++) {
        pool.slots.push(await pool.startSlot(index));
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** The worker with the fewest rooms; ties go to the lowest index. */
  leastLoaded(): WorkerSlot | undefined {
    const alive = this.slots.filter((s) => !s.worker.closed);
    return alive.reduce<WorkerSlot | undefined>((best, s) => (!best || s.routers < best.routers ? s : best), undefined);
  }


  pids(): number[] {
    return this.slots.map((s) => s.worker.pid);
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) slot.worker.close();
  }

  private async startSlot(index: number): Promise<WorkerSlot> {
    const mediasoup = await loadMediasoup(this.config);
    const worker = await mediasoup.createWorker({
      logLevel: this.config.logLevel,
      logTags: ['info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'simulcast'],
      appData: { index },
    });
    const port = this.config.rtcPort === 0 ? undefined : this.config.rtcPort + index;
    const listen = { ip: this.config.listenIp, announcedIp: this.config.announcedIp, port };
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot: WorkerSlot = { index, worker, webRtcServer, routers: 0 };
    worker.on('died', (error) => this.onDied(slot, error));
    this.log.info({ pid: worker.pid, index, port: port ?? 'auto' }, 'mediasoup worker started');
    return slot;
  }

  private onDied(slot: WorkerSlot, error: Error): void {
    if (this.closed) return;
    const pid = slot.worker.pid;
    this.log.error({ pid, index: slot.index, err: error }, 'mediasoup worker died; starting a replacement');
    this.emit('workerDied', pid, slot.index);
    void this.replace(slot);
  }

  private async replace(dead: WorkerSlot, attempt = 1): Promise<void> {
    try {
      const fresh = await this.startSlot(dead.index);
      if (this.closed) {
        fresh.worker.close();
        return;
      }
      this.slots[this.slots.indexOf(dead)] = fresh;
    } catch (error) {
      // The dead worker's ports may linger for a moment; retry with backoff.
      this.log.error({ err: error, attempt }, 'could not replace mediasoup worker');
      if (attempt < 10 && !this.closed) {
        setTimeout(() => void this.replace(dead, attempt + 1), 500 * attempt).unref();
      }
    }
  }
}
