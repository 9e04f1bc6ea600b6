import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from '../logger.js';
import { pingSchema, type SystemClientToServer, type SystemServerToClient } from '../../protocol/system.js';
import { request } from './ack.js';
import { guardConnection } from './packetGuard.js';

export type SystemServer = Server<SystemClientToServer, SystemServerToClient>;

/**
 * `crossOrigin` (several nodes): a page served by one node connects to the node that holds its
 * hearing. Handshakes authenticate with a token in the handshake payload, never with cookies,
 * so answering other origins (without credentials) exposes nothing ambient.
 */
export function createSocketServer(httpServer: HttpServer, logger: Logger, options: { crossOrigin?: boolean } = {}): SystemServer {
  const io: SystemServer = new Server(httpServer, {
    serveClient: false,
    // Signalling payloads are small; a large frame is a client bug or an attack.
    maxHttpBufferSize: 256 * 1024,
    ...(options.crossOrigin ? { cors: { origin: true, credentials: false } } : {}),
  });
  // Every connection, whatever namespaces it joins, is counted from its first packet.
  io.engine.on('connection', (conn: Parameters<typeof guardConnection>[0]) => guardConnection(conn));
  io.on('connection', (socket) => {
    socket.on('system:ping', request(logger, pingSchema, ({ sentAt }) => ({ sentAt, serverTime: new Date().toISOString() })));
  });
  return io;
}
