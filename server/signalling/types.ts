import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './protocol.ts';

export type YuntingIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type YuntingSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
