/**
 * What the soak benchmark watches: every mediasoup object the server makes
 * (through mediasoup's own observers, so nothing the app forgets to
 * register escapes), what the workers themselves still hold (their dumps),
 * resident memory of this process and of each worker, and the ffmpeg
 * processes below this process (recorders and composer, not the synthetic
 * sources, which read from lavfi).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { types } from 'mediasoup';
import { loadMediasoup } from '../server/media/mediasoupBinary.ts';

export interface MediaCounts {
  workers: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

export class MediaProbe {
  readonly workers = new Set<types.Worker>();
  private readonly open = { routers: new Set<string>(), transports: new Set<string>(), producers: new Set<string>(), consumers: new Set<string>() };

  /** Call before the server starts its workers (mediasoup is loaded the way the server loads it). */
  static async create(media: { workerBin: string | undefined; cacheDir: string }): Promise<MediaProbe> {
    const probe = new MediaProbe();
    (await loadMediasoup(media)).observer.on('newworker', (worker) => probe.watch(worker));
    return probe;
  }

  private watch(worker: types.Worker): void {
    {
      this.workers.add(worker);
      worker.observer.once('close', () => this.workers.delete(worker));
      worker.observer.on('newrouter', (router) => {
        this.track('routers', router.id, router.observer);
        router.observer.on('newtransport', (transport) => {
          this.track('transports', transport.id, transport.observer);
          transport.observer.on('newproducer', (producer) => this.track('producers', producer.id, producer.observer));
          transport.observer.on('newconsumer', (consumer) => this.track('consumers', consumer.id, consumer.observer));
        });
      });
    }
  }

  /** Objects open on the node side. */
  counts(): MediaCounts {
    return {
      workers: this.workers.size,
      routers: this.open.routers.size,
      transports: this.open.transports.size,
      producers: this.open.producers.size,
      consumers: this.open.consumers.size,
    };
  }

  /** Routers the workers themselves still hold (the truth, whatever node-side bookkeeping says). */
  async workerRouters(): Promise<number> {
    let routers = 0;
    for (const worker of this.workers) {
      if (worker.closed) continue;
      routers += ((await worker.dump()) as { routerIds: string[] }).routerIds.length;
    }
    return routers;
  }

  workerRssMb(): number {
    let kb = 0;
    for (const worker of this.workers) kb += rssKb(worker.pid);
    return kb / 1024;
  }

  private track(kind: keyof MediaProbe['open'], id: string, observer: { once(event: 'close', listener: () => void): unknown }): void {
    this.open[kind].add(id);
    observer.once('close', () => this.open[kind].delete(id));
  }
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export const ownRssMb = () => process.memoryUsage().rss / 1024 / 1024;

/** ffmpeg processes below `root` that the server started (recorders, remux, composer); the synthetic sources read lavfi and are left out. */
export function serverFfmpeg(root = process.pid): number {
  const parents = new Map<string, string>();
  const commands = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!);
      commands.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: string): boolean => {
    for (let p = parents.get(pid), hops = 0; p && hops < 8; p = parents.get(p), hops++) if (p === String(root)) return true;
    return false;
  };
  let count = 0;
  for (const [pid, command] of commands) {
    const binary = command.split(' ')[0] ?? '';
    if (/ffmpeg/.test(binary.split('/').pop() ?? '') && !command.includes('lavfi') && below(pid)) count++;
  }
  return count;
}
