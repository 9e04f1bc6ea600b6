import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { SystemClientToServer, SystemServerToClient } from '../../../protocol/system.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

describe('a running server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('reports a connected database and one live worker per core on /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      version: string;
      database: { state: string };
      workers: { pid: number; usage: { maxRssKiB: number } }[];
    };
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.database.state).toBe('connected');
    expect(body.workers).toHaveLength(os.availableParallelism());
    for (const w of body.workers) {
      // Each pid is a live process we can signal (signal 0 only checks existence).
      expect(() => process.kill(w.pid, 0)).not.toThrow();
      expect(w.usage.maxRssKiB).toBeGreaterThan(0);
    }
    expect(new Set(body.workers.map((w) => w.pid)).size).toBe(body.workers.length);
  });

  it('answers a socket.io request with an ack, and a malformed one with an error ack', async () => {
    const socket: Socket<SystemServerToClient, SystemClientToServer> = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
    });
    try {
      const sentAt = Date.now();
      const ack = await socket.timeout(5000).emitWithAck('system:ping', { sentAt });
      expect(ack).toMatchObject({ ok: true, data: { sentAt } });
      const bad = await socket
        .timeout(5000)
        .emitWithAck('system:ping', { sentAt: 'yesterday' } as unknown as { sentAt: number });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.code).toBe('VALIDATION_FAILED');
      // The server is still fine after the bad request.
      expect((await socket.timeout(5000).emitWithAck('system:ping', { sentAt: 1 })).ok).toBe(true);
    } finally {
      socket.disconnect();
    }
  });

  it('returns JSON errors with stable codes for unknown routes and bad JSON', async () => {
    const missing = await fetch(`${server.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    const bad = await fetch(`${server.url}/api/nothing-here`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"oops',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });

  it('keeps a document written before a restart', async () => {
    const marker = { _id: `doc-${Date.now()}`, text: '起诉状 complaint', at: new Date() };
    await server.db.connection.collection<{ _id: string }>('restart_probe').insertOne(marker);
    server = await restartTestServer(server);
    const found = await server.db.connection.collection<{ _id: string }>('restart_probe').findOne({ _id: marker._id });
    expect(found).toMatchObject({ text: '起诉状 complaint' });
  });
});
