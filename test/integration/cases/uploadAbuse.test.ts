import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Reproductions of the upload problems of issue 14: malformed multipart bodies
 * answered 500, and files buffered in full before an invalid `case` part was
 * looked at.
 */
const filing = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] };
const BOUNDARY = 'xXprobeBoundaryXx';

function part(name: string, value: string | Buffer, filename?: string): Buffer {
  const disposition = filename === undefined ? `form-data; name="${name}"` : `form-data; name="${name}"; filename="${filename}"`;
  const type = filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n';
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
}
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

interface Raw {
  status: number;
  body: { error?: { code: string } } & Record<string, unknown>;
}

describe('multipart uploads under abuse', () => {
  let server: TestServer;
  let party: ApiClient;
  const url = () => new URL(server.url);

  const send = (contentType: string | undefined, body: Buffer): Promise<Raw> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: url().hostname, port: url().port, path: '/api/cases', method: 'POST', headers: { authorization: `Bearer ${party.token}`, ...(contentType ? { 'content-type': contentType } : {}), 'content-length': body.length } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Raw['body'] }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    server = await startTestServer();
    await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000041', 41);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('answers malformed multipart bodies with 400 and a stable code, never 500', async () => {
    const good = Buffer.concat([part('case', JSON.stringify(filing)), part('complaint', sampleFiles.pdf(), 'c.pdf'), end]);
    const cases: [string, string | undefined, Buffer][] = [
      ['missing boundary', 'multipart/form-data', good],
      ['truncated body', `multipart/form-data; boundary=${BOUNDARY}`, good.subarray(0, good.length - 40)],
      ['mismatched boundary', 'multipart/form-data; boundary=somethingElse', good],
      ['garbage body', `multipart/form-data; boundary=${BOUNDARY}`, Buffer.from('\u0000\u00ff garbage garbage garbage \r\n\r\n--- not multipart at all')],
    ];
    for (const [what, type, body] of cases) {
      const res = await send(type, body);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status: 400, code: 'MALFORMED_MULTIPART' });
    }
    const longName = Buffer.concat([part('case', JSON.stringify(filing)), part('complaint', sampleFiles.pdf(), `${'a'.repeat(20_000)}.pdf`), end]);
    const long = await send(`multipart/form-data; boundary=${BOUNDARY}`, longName);
    expect(long.status).toBe(400);
    expect(['FILENAME_TOO_LONG', 'MALFORMED_MULTIPART']).toContain(long.body.error?.code);
    const tooMany = Buffer.concat([part('case', JSON.stringify(filing)), ...Array.from({ length: 6 }, (_, i) => part('complaint', sampleFiles.pdf(), `c${i}.pdf`)), end]);
    expect((await send(`multipart/form-data; boundary=${BOUNDARY}`, tooMany)).body.error?.code).toBe('UNEXPECTED_FILE');
    // Still serving.
    expect((await party.get('/api/cases')).status).toBe(200);
  });

  it('neutralises a right-to-left override in a filename', async () => {
    const filed = await party.postForm<{ id: string }>('/api/cases', filing, [{ field: 'complaint', filename: 'invoice\u202Efdp.exe', bytes: sampleFiles.pdf() }]);
    expect(filed.body).toMatchObject({ id: expect.any(String) });
    const view = await party.get<{ documents: { filename: string }[] }>(`/api/cases/${filed.body.id}`);
    expect(view.body.documents.map((d) => d.filename)).toEqual(['invoicefdp.exe']);
  });

  it('refuses an invalid case part before reading the files that follow it', async () => {
    // The files are never sent: the answer must come while the body is still open.
    // Chunked (no declared size), so only the case part can give it away.
    const answer = await new Promise<Raw>((resolve, reject) => {
      const req = http.request(
        { host: url().hostname, port: url().port, path: '/api/cases', method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Raw['body'] });
          });
        },
      );
      req.on('error', reject);
      req.write(part('case', JSON.stringify({ ...filing, caseType: 'not-a-type' })));
      req.write(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="big.pdf"\r\n\r\n`));
      req.write(Buffer.alloc(1024 * 1024, 1));
      setTimeout(() => reject(new Error('no answer while the upload was still open')), 5000).unref();
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a request whose declared size is over the limit before reading it', async () => {
    const answer = await new Promise<Raw>((resolve, reject) => {
      const req = http.request(
        { host: url().hostname, port: url().port, path: '/api/cases', method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': 2 * 1024 * 1024 * 1024 } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Raw['body'] });
          });
        },
      );
      req.on('error', reject);
      req.write(part('case', JSON.stringify(filing)));
      setTimeout(() => reject(new Error('no answer while the upload was still open')), 5000).unref();
    });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'REQUEST_TOO_LARGE' } } });
  });
});
