import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Issue 14: ID-card copies sat in GridFS as plaintext. */
describe('identity documents are encrypted at rest', () => {
  let server: TestServer;
  let party: ApiClient;
  let clerk: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000071', 71);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('stores an ID copy encrypted, and the filer and the clerk download the original bytes with its SHA-256', async () => {
    const idCopy = sampleFiles.png();
    const complaint = sampleFiles.pdf('plain complaint text');
    const filed = await party.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] },
      [
        { field: 'complaint', filename: 'c.pdf', bytes: complaint },
        { field: 'idProof', filename: 'id.png', bytes: idCopy },
      ],
    );
    const view = await party.get<{ documents: { id: string; kind: string; sha256: string }[] }>(`/api/cases/${filed.body.id}`);
    const idDoc = view.body.documents.find((d) => d.kind === 'idProof')!;
    const complaintDoc = view.body.documents.find((d) => d.kind === 'complaint')!;

    const db = server.db.connection.db!;
    const rawOf = async (fileId: string) => {
      const { ObjectId } = await import('mongodb');
      const chunks = await db.collection('documents.chunks').find({ files_id: new ObjectId(fileId) }).sort({ n: 1 }).toArray();
      return Buffer.concat(chunks.map((c) => Buffer.from((c.data as { buffer: Uint8Array }).buffer)));
    };
    const rawId = await rawOf(idDoc.id);
    expect(rawId.includes(Buffer.from('IHDR'))).toBe(false);
    expect(rawId.equals(idCopy)).toBe(false);
    // Other documents are unchanged on disk (only identity documents are encrypted).
    expect((await rawOf(complaintDoc.id)).equals(complaint)).toBe(true);

    for (const who of [party, clerk]) {
      const res = await who.raw(`/api/cases/${filed.body.id}/documents/${idDoc.id}`);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(idCopy)).toBe(true);
      expect(res.headers.get('x-content-sha256')).toBe(crypto.createHash('sha256').update(idCopy).digest('hex'));
      expect(idDoc.sha256).toBe(crypto.createHash('sha256').update(idCopy).digest('hex'));
    }
  });
});
