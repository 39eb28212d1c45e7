/** Looking at recorders from outside: their processes, their UDP sockets, their parts and segments in the store. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Db } from '../../server/store/database.ts';

/** Pids of processes whose command line mentions `needle` (a part's directory). */
export function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The IPv4 addresses that UDP sockets on `port` are bound to (from /proc/net/udp). */
export function udpBindings(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[1] ?? '')
    .filter((local) => local.endsWith(`:${hexPort}`))
    .map((local) => {
      const hex = local.split(':')[0]!;
      return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
    });
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function partsOf(db: Db, producerId: string) {
  return db.selectFrom('recording_parts').selectAll().where('producer_id', '=', producerId).orderBy('started_at').execute();
}

export function segmentsOf(db: Db, partId: string) {
  return db.selectFrom('recording_segments').selectAll().where('part_id', '=', partId).orderBy('sequence').execute();
}
