/**
 * The rooms that have media right now. Creation is deduplicated so two
 * simultaneous joins never make two routers; a room closes shortly after
 * its last peer leaves, so a reconnecting phone finds it still there, and
 * a router made for `room:capabilities` that nobody joins closes the same way.
 */
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.ts';
import { ErrorCode } from '../signalling/protocol.ts';
import { MediaRoom, defaultMediaLimits, type MediaLimits } from '../media/mediaRoom.ts';
import type { WorkerPool } from '../media/workerPool.ts';

export class LiveRooms extends EventEmitter<{ roomClosed: [roomId: string] }> {
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly creating = new Map<string, Promise<MediaRoom>>();
  private readonly emptyTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly log: FastifyBaseLogger,
    private readonly emptyRoomCloseMs = 2000,
    private readonly limits: MediaLimits = defaultMediaLimits,
  ) {
    super();
  }

  get(roomId: string): MediaRoom | undefined {
    const room = this.rooms.get(roomId);
    return room && !room.closed ? room : undefined;
  }

  async getOrCreate(roomId: string): Promise<MediaRoom> {
    // An empty room's close timer keeps running: only a peer joining keeps the room (the timer checks).
    const existing = this.get(roomId);
    if (existing) return existing;
    let pending = this.creating.get(roomId);
    if (!pending) {
      pending = this.create(roomId).finally(() => this.creating.delete(roomId));
      this.creating.set(roomId, pending);
    }
    return pending;
  }

  /** Whether the room has media now or is getting it. */
  has(roomId: string): boolean {
    return this.get(roomId) !== undefined || this.creating.has(roomId);
  }

  get size(): number {
    return this.rooms.size;
  }

  closeAll(): void {
    for (const room of this.rooms.values()) room.close();
    for (const timer of this.emptyTimers.values()) clearTimeout(timer);
  }

  private async create(roomId: string): Promise<MediaRoom> {
    const slot = this.pool.leastLoaded();
    if (!slot) throw new AppError(ErrorCode.RoomUnavailable, 'No media worker is available; try again shortly', 503);
    const room = await MediaRoom.create(roomId, slot, this.log, this.limits);
    this.rooms.set(roomId, room);
    room.on('empty', () => this.scheduleClose(room));
    room.once('closed', () => {
      if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
      this.cancelEmptyTimer(roomId);
      this.emit('roomClosed', roomId);
    });
    // Closed unless someone joins in time (a router made only for capabilities).
    this.scheduleClose(room);
    return room;
  }

  private scheduleClose(room: MediaRoom): void {
    this.cancelEmptyTimer(room.id);
    const timer = setTimeout(() => {
      if (this.emptyTimers.get(room.id) === timer) this.emptyTimers.delete(room.id);
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
