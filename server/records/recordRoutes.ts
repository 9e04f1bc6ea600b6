import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import { rateLimitedError } from '../auth/rateLimitReply.js';
import { consume, MemoryRateLimitStore, type CountLimit, type RateLimitStore } from '../auth/rateLimitStore.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { RecordService } from './recordService.js';
import type { RecordSigning } from './recordSigning.js';

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex')
  .transform((s) => s.toLowerCase());

export const paragraphSchema = z
  .object({
    baseVersion: z.number().int().min(0).max(1_000_000),
    text: z.string().max(20_000),
    speakerId: z.string().min(1).max(100),
  })
  .strict();

export const actSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed'), textSha256: sha256, password: z.string().min(1).max(200).optional() }).strict(),
  z.object({ kind: z.literal('objected'), textSha256: sha256, password: z.string().min(1).max(200).optional(), objection: z.string().trim().min(1).max(5000) }).strict(),
]);

export const searchSchema = z.object({ q: z.string().trim().min(1).max(100) }).strict();

const paragraphIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the paragraph id the client chose (a UUID)');

/** An autosave every few seconds per open paragraph, with room for several writers' bursts. */
const LIMITS: Record<'read' | 'write' | 'sign' | 'search', CountLimit> = {
  read: { max: 120, windowMs: 60_000 },
  write: { max: 240, windowMs: 60_000 },
  sign: { max: 20, windowMs: 60_000 },
  search: { max: 60, windowMs: 60_000 },
};

const ZH: Record<keyof typeof LIMITS, [string, string]> = {
  read: ['Too many requests for the record.', '读取笔录过于频繁，'],
  write: ['Too many saves of the record.', '保存笔录过于频繁，'],
  sign: ['Too many signing attempts.', '签名尝试过于频繁，'],
  search: ['Too many searches.', '搜索过于频繁，'],
};

const hearingIdOf = (req: Request) => String(req.params.id);

/**
 * The hearing record (庭审笔录): written paragraph by paragraph during the hearing, read live by
 * the staff, signed or objected to by the parties afterwards, and filed on the case by the clerk.
 */
export function recordRoutes(ctx: AppContext, service: RecordService, signing: RecordSigning, options: { limits?: RateLimitStore } = {}): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const store = options.limits ?? new MemoryRateLimitStore();
  const limit = (kind: keyof typeof LIMITS): RequestHandler => (req, res, next) => {
    const key = `record-${kind}:${currentUser(req).id}`;
    consume(store, key, LIMITS[kind], Date.now()).then(
      (decision) => (decision.allowed ? next() : next(rateLimitedError(res, decision.retryAfterSeconds, ...ZH[kind]))),
      next,
    );
  };
  const tags = ['records'];
  const err = (description: string) => ({ description });

  ctx.api.add({
    method: 'get',
    path: '/api/hearings/:id/record',
    summary: "The hearing's record: paragraphs in order (id, version, at, speaker, text, recording offset), its text hash, signatories, signatures and objections; staff at any time, parties once the hearing has ended",
    tags,
    auth: true,
    responses: { 200: { description: 'HearingRecordView (protocol/recordViews.ts)' }, 403: err('RECORD_NOT_YET_AVAILABLE'), 404: err('RECORD_NOT_FOUND'), 429: err('RATE_LIMITED') },
  });
  router.get('/api/hearings/:id/record', auth, limit('read'), async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await service.view(currentUser(req), hearingIdOf(req)));
  });

  ctx.api.add({
    method: 'put',
    path: '/api/hearings/:id/record/paragraphs/:paragraphId',
    summary: 'Create (baseVersion 0) or change a paragraph (judge, clerk or mediator of the case, from the hearing opening until the first party signs); pushed live to the staff in the hearing as record:paragraph',
    tags,
    auth: true,
    body: paragraphSchema,
    responses: {
      200: { description: 'The paragraph as stored (RecordParagraphView)' },
      400: err('VALIDATION_FAILED, UNKNOWN_SPEAKER'),
      403: err('NOT_RECORD_WRITER'),
      404: err('RECORD_NOT_FOUND, PARAGRAPH_NOT_FOUND'),
      409: err('RECORD_PARAGRAPH_CONFLICT (details.theirs: the stored paragraph, details.yours: the refused write), RECORD_LOCKED, HEARING_NOT_STARTED, PARAGRAPH_ID_TAKEN'),
      429: err('RATE_LIMITED'),
    },
  });
  router.put('/api/hearings/:id/record/paragraphs/:paragraphId', auth, limit('write'), async (req, res) => {
    const paragraphId = parseInput(paragraphIdSchema, req.params.paragraphId);
    const input = parseInput(paragraphSchema, req.body);
    res.json({ paragraph: await service.write(currentUser(req), hearingIdOf(req), paragraphId, input) });
  });

  ctx.api.add({
    method: 'post',
    path: '/api/hearings/:id/record/sign',
    summary: "A party summoned to the hearing, after it ended, signs the record ({ kind: 'signed' }) or objects to it ({ kind: 'objected', objection }), binding the text hash it read (textSha256); re-authenticates with password",
    tags,
    auth: true,
    body: actSchema,
    responses: {
      200: { description: 'The record with the signature or objection' },
      403: err('NOT_A_RECORD_SIGNATORY, REAUTHENTICATION_REQUIRED, REAUTHENTICATION_FAILED'),
      404: err('RECORD_NOT_FOUND'),
      409: err('HEARING_NOT_ENDED, RECORD_TEXT_CHANGED, RECORD_ALREADY_SIGNED, RECORD_FILED'),
      429: err('RATE_LIMITED, REAUTHENTICATION_LOCKED'),
    },
  });
  router.post('/api/hearings/:id/record/sign', auth, limit('sign'), async (req, res) => {
    const input = parseInput(actSchema, req.body);
    const userAgent = req.get('user-agent');
    const session = { ...(req.ip ? { ip: req.ip } : {}), ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) };
    res.json(await signing.act(currentUser(req), hearingIdOf(req), input, session));
  });

  ctx.api.add({
    method: 'post',
    path: '/api/hearings/:id/record/close',
    summary: "Close the record once every party signed or objected: filed on the case as a PDF under the court's signature (verifiable at GET /api/verify/:hash), logged HEARING_RECORD_FILED",
    tags,
    auth: true,
    responses: { 200: { description: 'The filed record (filed.sha256, filed.pdf)' }, 403: err('NOT_RECORD_WRITER'), 404: err('RECORD_NOT_FOUND'), 409: err('HEARING_NOT_ENDED, RECORD_SIGNATURES_PENDING (details.pending), RECORD_FILED'), 429: err('RATE_LIMITED') },
  });
  router.post('/api/hearings/:id/record/close', auth, limit('sign'), async (req, res) => {
    res.json(await signing.close(currentUser(req), hearingIdOf(req)));
  });

  ctx.api.add({ method: 'get', path: '/api/hearings/:id/record/pdf', summary: 'The filed record as PDF (header x-content-sha256)', tags, auth: true, responses: { 200: { description: 'application/pdf' }, 404: err('RECORD_NOT_FOUND'), 409: err('RECORD_NOT_FILED') } });
  router.get('/api/hearings/:id/record/pdf', auth, limit('read'), async (req, res) => {
    const { bytes, sha256: hash } = await signing.pdf(currentUser(req), hearingIdOf(req));
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="hearing-record-${hearingIdOf(req)}.pdf"`);
    res.setHeader('x-content-sha256', hash);
    res.send(bytes);
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/records', summary: "Search the case's hearing records by text (q): the paragraphs that contain it, by hearing; parties see only ended hearings", tags, auth: true, query: searchSchema, responses: { 200: { description: 'RecordSearchView' }, 400: err('VALIDATION_FAILED'), 404: err('CASE_NOT_FOUND') } });
  router.get('/api/cases/:id/records', auth, limit('search'), async (req, res) => {
    const { q } = parseInput(searchSchema, { q: req.query.q });
    res.json(await service.search(currentUser(req), String(req.params.id), q));
  });

  return router;
}
