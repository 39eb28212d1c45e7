/**
 * The console's live feed: one socket.io connection to /progress with the
 * staff login; the server sends `case:changed` for every case this user may see.
 */
import { io, type Socket } from 'socket.io-client';

export interface CaseChange {
  caseId: string;
  status: string;
}

export class LiveCases {
  private socket: Socket | undefined;
  private readonly changeListeners = new Set<(change: CaseChange) => void>();
  private readonly statusListeners = new Set<(connected: boolean) => void>();
  /** Told when the server withdraws this login (the account was disabled): the console signs out. */
  onRevoked: ((reason: string) => void) | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  connected = false;

  start(token: string): void {
    this.stop();
    const socket = io(`${location.origin}/progress`, { auth: { token } });
    this.socket = socket;
    socket.on('connect', () => this.setConnected(true));
    socket.on('disconnect', (reason) => {
      this.setConnected(false);
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', () => {
      this.setConnected(false);
      // Refused by the middleware (e.g. expired login): socket.io stops; try again later, HTTP calls will sign out if needed.
      if (!socket.active) this.retry = setTimeout(() => socket.connect(), 10_000);
    });
    socket.on('auth:revoked', ({ reason }: { reason: string }) => {
      this.stop();
      this.onRevoked?.(reason);
    });
    socket.on('case:changed', (change: CaseChange) => {
      for (const listener of [...this.changeListeners]) listener(change);
    });
  }

  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.setConnected(false);
  }

  onChange(listener: (change: CaseChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.connected);
    return () => this.statusListeners.delete(listener);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of [...this.statusListeners]) listener(connected);
  }
}
