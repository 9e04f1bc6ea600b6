import crypto from 'node:crypto';
import http from 'node:http';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentStore } from '../../../server/documents/documentStore.js';
import { registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Issue 14: uploads stream into GridFS as they arrive, so a request that fails
 * after some files were written must delete them: a late or invalid part, a
 * request over its size, a file of the wrong type, a body cut short, a client
 * that goes away, a filing the service refuses, an idempotent replay. None may
 * leave a file or a chunk behind; an accepted filing reads back byte for byte.
 */
const FILE_LIMIT = 700 * 1024;
const filing = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] };
const BOUNDARY = 'xXstorageBoundaryXx';

/** A PDF of `size` bytes (several GridFS chunks), random inside so no two are alike. */
function bigPdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n%');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, crypto.randomBytes(size - head.length - tail.length), tail]);
}

function part(name: string, value: string | Buffer, filename?: string): Buffer {
  const disposition = filename === undefined ? `form-data; name="${name}"` : `form-data; name="${name}"; filename="${filename}"`;
  const type = filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n';
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
}
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

interface Answer {
  status: number;
  body: { id?: string; error?: { code: string } };
}

describe('uploads streamed to storage leave nothing half-written', () => {
  let server: TestServer;
  let party: ApiClient;
  const db = () => server.db.connection.db!;
  const stored = async () => ({
    files: await db().collection('documents.files').countDocuments(),
    chunks: await db().collection('documents.chunks').countDocuments(),
  });

  /** A multipart request written piece by piece (chunked), as a browser or a script might. */
  const send = (path: string, pieces: Buffer[], headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const url = new URL(server.url);
      const req = http.request(
        { host: url.hostname, port: url.port, path, method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
        },
      );
      // The server may answer and close while the rest of a refused body is still being written.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      for (const p of pieces) req.write(p);
      req.end();
    });

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_MAX_BYTES: String(FILE_LIMIT) });
    await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000081', 81);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('an accepted filing reads back byte for byte; the ID copy is encrypted at rest; nothing stays staged', async () => {
    const complaint = bigPdf(600 * 1024);
    const evidence = bigPdf(300 * 1024);
    const idCopy = Buffer.concat([sampleFiles.png(), crypto.randomBytes(400 * 1024)]);
    const filed = await party.postForm<{ id: string }>('/api/cases', filing, [
      { field: 'complaint', filename: 'complaint.pdf', bytes: complaint },
      { field: 'evidence', filename: 'evidence.pdf', bytes: evidence },
      { field: 'idProof', filename: 'id.png', bytes: idCopy },
    ]);
    expect(filed.status).toBe(201);
    const view = await party.get<{ documents: { id: string; kind: string; filename: string; sha256: string; size: number }[] }>(`/api/cases/${filed.body.id}`);
    // In the order they were sent.
    expect(view.body.documents.map((d) => d.kind)).toEqual(['complaint', 'evidence', 'idProof']);
    for (const [doc, bytes] of view.body.documents.map((d, i) => [d, [complaint, evidence, idCopy][i]!] as const)) {
      expect(doc.size).toBe(bytes.length);
      expect(doc.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
      const res = await party.raw(`/api/cases/${filed.body.id}/documents/${doc.id}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }

    const raw = async (id: string) => {
      const chunks = await db().collection('documents.chunks').find({ files_id: new ObjectId(id) }).sort({ n: 1 }).toArray();
      return Buffer.concat(chunks.map((c) => Buffer.from((c.data as { buffer: Uint8Array }).buffer)));
    };
    const [complaintDoc, , idDoc] = view.body.documents;
    expect((await raw(complaintDoc!.id)).equals(complaint)).toBe(true);
    const rawId = await raw(idDoc!.id);
    expect(rawId.subarray(0, 4).toString()).toBe('MCE2');
    expect(rawId.includes(idCopy.subarray(8, 64))).toBe(false);
    expect(rawId.length).toBe(idCopy.length + 32);
    const info = await db().collection('documents.files').findOne({ _id: new ObjectId(idDoc!.id) });
    expect(info).toMatchObject({ length: rawId.length, metadata: { kind: 'idProof', encryption: 'aes-256-gcm/v2' } });
    expect(await db().collection('documents.files').countDocuments({ 'metadata.staged': true })).toBe(0);
  });

  it('a file before the case part, or a case part after files, is refused and what was stored is deleted', async () => {
    const before = await stored();
    const fileFirst = await send('/api/cases', [part('complaint', bigPdf(10_000), 'c.pdf'), part('case', JSON.stringify(filing)), end]);
    expect(fileFirst).toMatchObject({ status: 400, body: { error: { code: 'JSON_FIELD_NOT_FIRST' } } });
    // The case part is optional on a resubmission, but never after a file that was already stored.
    const late = await send('/api/cases/no-such-case/resubmit', [part('evidence', bigPdf(400 * 1024), 'e.pdf'), part('case', JSON.stringify({ claimAmount: '10' })), end]);
    expect(late).toMatchObject({ status: 400, body: { error: { code: 'JSON_FIELD_NOT_FIRST' } } });
    expect(await stored()).toEqual(before);
  });

  it('a request over its size, a file over its size or of the wrong type, after other files were stored, leaves nothing', async () => {
    const before = await stored();
    const fourFit = Array.from({ length: 5 }, (_, i) => part('evidence', bigPdf(FILE_LIMIT - 1000), `e${i}.pdf`));
    const tooBig = await send('/api/cases', [part('case', JSON.stringify(filing)), ...fourFit, end]);
    expect(tooBig).toMatchObject({ status: 413, body: { error: { code: 'REQUEST_TOO_LARGE' } } });
    const fileTooBig = await send('/api/cases', [part('case', JSON.stringify(filing)), part('complaint', bigPdf(5000), 'c.pdf'), part('evidence', bigPdf(FILE_LIMIT + 1), 'e.pdf'), end]);
    expect(fileTooBig).toMatchObject({ status: 413, body: { error: { code: 'FILE_TOO_LARGE' } } });
    const wrongType = await send('/api/cases', [part('case', JSON.stringify(filing)), part('complaint', bigPdf(300 * 1024), 'c.pdf'), part('evidence', crypto.randomBytes(200 * 1024), 'e.pdf'), end]);
    expect(wrongType).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_FILE_TYPE' } } });
    const empty = await send('/api/cases', [part('case', JSON.stringify(filing)), part('complaint', bigPdf(300 * 1024), 'c.pdf'), part('evidence', Buffer.alloc(0), 'e.pdf'), end]);
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'EMPTY_FILE' } } });
    expect(await stored()).toEqual(before);
  });

  it('a body cut short, and a filing the service refuses after its files were stored, leave nothing', async () => {
    const before = await stored();
    const body = Buffer.concat([part('case', JSON.stringify(filing)), part('complaint', bigPdf(500 * 1024), 'c.pdf'), part('evidence', bigPdf(500 * 1024), 'e.pdf')]);
    // Declared length honest, but the closing boundary never comes: the body ends mid-multipart.
    const truncated = await send('/api/cases', [body], { 'content-length': String(body.length) });
    expect(truncated).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_MULTIPART' } } });
    const unknownCourt = await send('/api/cases', [part('case', JSON.stringify({ ...filing, court: '火星法院' })), part('complaint', bigPdf(500 * 1024), 'c.pdf'), end]);
    expect(unknownCourt).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_COURT' } } });
    expect(await stored()).toEqual(before);
  });

  it('a client that goes away mid-upload leaves nothing, once the server notices', async () => {
    const before = await stored();
    const url = new URL(server.url);
    const req = http.request({ host: url.hostname, port: url.port, path: '/api/cases', method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
    req.on('error', () => undefined);
    req.write(part('case', JSON.stringify(filing)));
    req.write(part('complaint', bigPdf(600 * 1024), 'c.pdf'));
    req.write(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="e.pdf"\r\n\r\n`));
    req.write(bigPdf(600 * 1024).subarray(0, 400 * 1024));
    // The first file is in storage (staged) and the second is on its way when the client leaves.
    await vi.waitFor(async () => expect((await stored()).chunks).toBeGreaterThanOrEqual(before.chunks + 4), { timeout: 10_000, interval: 50 });
    req.destroy();
    await vi.waitFor(async () => expect(await stored()).toEqual(before), { timeout: 10_000, interval: 100 });
    expect((await party.get('/api/cases')).status).toBe(200);
  });

  it('an idempotent replay stores nothing new', async () => {
    const files = [{ field: 'complaint', filename: 'c.pdf', bytes: bigPdf(300 * 1024) }];
    const post = async () => {
      const form = new FormData();
      form.append('case', JSON.stringify(filing));
      for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)]), f.filename);
      const res = await fetch(`${server.url}/api/cases`, { method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'idempotency-key': 'storage-replay-1' }, body: form });
      return { status: res.status, replayed: res.headers.get('idempotent-replayed') };
    };
    expect(await post()).toEqual({ status: 201, replayed: null });
    const after = await stored();
    expect(await post()).toEqual({ status: 201, replayed: 'true' });
    expect(await stored()).toEqual(after);
  });

  it('staged files left by a stopped process are removed after a day; claimed ones stay', async () => {
    const before = await stored();
    const old = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const abandoned = new ObjectId();
    await db().collection('documents.files').insertOne({ _id: abandoned, length: 0, chunkSize: 261120, uploadDate: old, filename: 'x.pdf', metadata: { staged: true, field: 'evidence' } });
    await db().collection('documents.chunks').insertOne({ files_id: abandoned, n: 0, data: Buffer.from('%PDF-') });
    const fresh = new ObjectId();
    await db().collection('documents.files').insertOne({ _id: fresh, length: 0, chunkSize: 261120, uploadDate: new Date(), filename: 'y.pdf', metadata: { staged: true, field: 'evidence' } });
    const store = new DocumentStore(server.db.connection);
    expect(await store.removeAbandoned()).toBe(1);
    expect(await db().collection('documents.chunks').countDocuments({ files_id: abandoned })).toBe(0);
    expect(await db().collection('documents.files').countDocuments({ _id: fresh })).toBe(1);
    await store.remove([fresh.toHexString()]);
    expect(await stored()).toEqual(before);
  });
});
