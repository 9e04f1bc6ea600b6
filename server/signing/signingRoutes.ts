import express, { Router } from 'express';
import type { Connection } from 'mongoose';
import type { AppContext } from '../context.js';
import { DocumentStore } from '../documents/documentStore.js';
import type { CourtSigning } from './courtSigning.js';
import type { PdfSignatureCheck } from './pdfSignature.js';

/** A TimeStampReq is a few hundred bytes; anything much larger is not one. */
const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The built-in RFC 3161 timestamp authority over HTTP (RFC 3161 §3.4: POST, content types
 * application/timestamp-query and application/timestamp-reply), and the certificates a
 * verifier needs to trust the court's signatures and the authority's tokens.
 */
export function signingRoutes(ctx: AppContext, signing: CourtSigning): Router {
  const router = Router();
  const tags = ['signing'];

  ctx.api.add({
    method: 'post',
    path: '/api/tsa',
    summary: 'Public RFC 3161 timestamp authority: a DER TimeStampReq (application/timestamp-query) in, a DER TimeStampResp (application/timestamp-reply) out',
    tags,
    auth: false,
    responses: { 200: { description: 'application/timestamp-reply (a rejection status for a malformed request)' }, 415: { description: 'UNSUPPORTED_MEDIA_TYPE' } },
  });
  router.post('/api/tsa', express.raw({ type: () => true, limit: MAX_REQUEST_BYTES }), async (req, res) => {
    if (!req.is('application/timestamp-query')) {
      res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send a DER TimeStampReq with content-type application/timestamp-query (RFC 3161).' } });
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.setHeader('content-type', 'application/timestamp-reply');
    res.setHeader('cache-control', 'no-store');
    res.send(await signing.localTsa.respond(body));
  });

  ctx.api.add({
    method: 'get',
    path: '/api/signing/certificates',
    summary: "Public: the court's signing certificate with its chain, and the built-in timestamp authority's, in PEM",
    tags,
    auth: false,
    responses: { 200: { description: '{ court: { certificate, chain, development }, tsa: { certificate, chain, url } }' } },
  });
  router.get('/api/signing/certificates', (_req, res) => {
    res.json({
      court: { certificate: signing.court.certPem, chain: signing.court.chainPem, development: signing.development },
      tsa: { certificate: signing.tsa.certPem, chain: signing.tsa.chainPem, url: ctx.config.signing.tsaUrl ?? `${ctx.publicUrl()}/api/tsa` },
    });
  });

  return router;
}

/** The signature check of a document the court issued, found by its stored file's SHA-256. */
export async function signatureOfIssued(connection: Connection, signing: CourtSigning, sha256: string): Promise<PdfSignatureCheck | undefined> {
  const record = await connection.collection<{ _id: string; documentId?: string }>('verifiable_documents').findOne({ _id: sha256 });
  if (!record?.documentId) return undefined;
  const bytes = await new DocumentStore(connection).read(record.documentId).catch(() => undefined);
  if (!bytes) return undefined;
  return signing.check(bytes);
}
