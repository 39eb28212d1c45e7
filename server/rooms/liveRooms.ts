/**
 * The rooms that have media right now. Creation is deduplicated so two
 * simultaneous joins never make two routers; a room closes shortly after
 * its last peer leaves, so a reconnecting phone finds it still there.
 */
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import { ErrorCode } from '../signalling/protocol.ts';
import { MediaRoom } from '../media/mediaRoom.ts';
import type { WorkerPool } from '../media/workerPool.ts';

export class LiveRooms {
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly creating = new Map<string, Promise<MediaRoom>>();
  private readonly emptyTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly log: FastifyBaseLogger,
    private readonly emptyRoomCloseMs = 2000,
  ) {}

  get(roomId: string): MediaRoom | undefined {
    const room = this.rooms.get(roomId);
    return room && !room.closed ? room : undefined;
  }

  async getOrCreate(roomId: string): Promise<MediaRoom> {
    const existing = this.get(roomId);
    if (existing) {
      this.cancelEmptyTimer(roomId);
      return existing;
    }
    let pending = this.creating.get(roomId);
    if (!pending) {
      pending = this.create(roomId).finally(() => this.creating.delete(roomId));
      this.creating.set(roomId, pending);
    }
    return pending;
  }


  closeAll(): void {
    for (const room of this.rooms.values()) room.close();
    for (const timer of this.emptyTimers.values()) clearTimeout(timer);
  }

  private async create(roomId: string): Promise<MediaRoom> {
    const slot = this.pool.leastLoaded();
    if (!slot) throw new AppError(ErrorCode.RoomUnavailable, 'No media worker is available; try again shortly', 503);
    const room = await MediaRoom.create(roomId, slot, this.log);
    this.rooms.set(roomId, room);
    room.on('empty', () => this.scheduleClose(room));
    room.once('closed', () => {
      if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
      this.cancelEmptyTimer(roomId);
    });
    return room;
  }

  private scheduleClose(room: MediaRoom): void {
    this.cancelEmptyTimer(room.id);
    const timer = setTimeout(() => {
      this.emptyTimers.delete(room.id);
      if (room.peers.size === 0) room.close();
    }, this.emptyRoomCloseMs);
    timer.unref();
    this.emptyTimers.set(room.id, timer);
  }

  private cancelEmptyTimer(roomId: string): void {
    const timer = this.emptyTimers.get(roomId);
    if (timer) clearTimeout(timer);
    this.emptyTimers.delete(roomId);
  }
}
