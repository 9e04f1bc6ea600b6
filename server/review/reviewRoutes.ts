/**
 * The reading review over HTTP: what was read and found (filer and court staff only: it holds the
 * text of identity papers), the party's edit of the drafted evidence list, a page as an image
 * for the clerk's screen, the reversal of an automatic docketing, and a court's setting.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { autoDocketSettingSchema, evidenceListSchema, reverseDocketingSchema, type ReviewView } from '../../protocol/review.js';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import type { AppContext } from '../context.js';
import { findCourt, setAutoDocket } from '../courts/courtModel.js';
import type { DocumentStore } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { renderPagePng } from './documentReader.js';
import type { OcrPool } from './ocrPool.js';
import type { ReviewJobDoc, ReviewJobModel } from './reviewJobModel.js';

export interface ReviewRouteDeps {
  cases: CaseService;
  jobs: ReviewJobModel;
  documents: DocumentStore;
  pool: OcrPool;
  now: () => Date;
}

const pageParams = z.object({ documentId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a document id'), page: z.coerce.number().int().min(1).max(10_000) }).strict();
const ENDED = new Set(['rejected', 'withdrawn', 'closed']);
/** Page images a user may ask for per minute: each one is a rendering in the OCR pool. */
const PAGES_PER_MINUTE = 120;

export function reviewView(job: ReviewJobDoc): ReviewView {
  return {
    caseId: job.caseId,
    jobId: job._id,
    status: job.status,
    attempts: job.attempts,
    pagesRead: job.pagesRead,
    pagesTotal: job.pagesTotal,
    documents: job.documents,
    findings: job.findings,
    notes: job.notes,
    evidenceList: job.evidenceList,
    ...(job.evidenceListEditedAt ? { evidenceListEditedAt: job.evidenceListEditedAt } : {}),
    ...(job.outcome ? { outcome: job.outcome } : {}),
    ...(job.error ? { error: job.error } : {}),
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  };
}

export function reviewRoutes(ctx: AppContext, deps: ReviewRouteDeps): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['review'];
  const err = (description: string) => ({ description });
  const pageRequests = new Map<string, { start: number; count: number }>();

  /** The case, for its filer or its court's staff; a defendant or anyone else is refused. */
  const filerOrCourt = async (user: AuthUser, caseId: string) => {
    const { doc, as } = await deps.cases.access(user, caseId);
    if (as === 'defendant') throw errors.forbidden('The review of a filing is for the party who filed it and the court.', 'REVIEW_NOT_VISIBLE');
    return { doc, as };
  };
  const latest = async (caseId: string) => {
    const job = await deps.jobs.findOne({ caseId }).sort({ createdAt: -1 }).lean<ReviewJobDoc>().exec();
    if (!job) throw errors.notFound('The review of this filing', 'REVIEW_NOT_FOUND');
    return job;
  };
  const id = (req: Request) => String(req.params.id);

  ctx.api.add({ method: 'get', path: '/api/cases/:id/review', summary: 'The reading review of the latest submission: text per document and page, findings with where they were read, the drafted evidence list', tags, auth: true, responses: { 200: { description: 'ReviewView (protocol/review.ts)' }, 403: err('Not the filer or court staff'), 404: err('No review (REVIEW_NOT_FOUND)') } });
  router.get('/api/cases/:id/review', auth, async (req, res) => {
    await filerOrCourt(currentUser(req), id(req));
    res.json(reviewView(await latest(id(req))));
  });

  ctx.api.add({ method: 'put', path: '/api/cases/:id/review/evidence-list', summary: 'Filer: edit the drafted evidence list (证据目录) before sending it', tags, auth: true, body: evidenceListSchema, responses: { 200: { description: 'ReviewView' }, 409: err('The review is still reading (REVIEW_NOT_FINISHED) or the case has ended') } });
  router.put('/api/cases/:id/review/evidence-list', auth, async (req, res) => {
    const user = currentUser(req);
    const input = parseInput(evidenceListSchema, req.body);
    const { doc, as } = await filerOrCourt(user, id(req));
    if (as !== 'filer') throw errors.forbidden('Only the party who filed the case edits its evidence list.', 'NOT_THE_FILER');
    if (ENDED.has(doc.status)) throw errors.invalidState(`The case is ${doc.status}; its evidence list can no longer be changed.`, 'CASE_CLOSED');
    const job = await latest(doc._id);
    if (job.status !== 'done') throw errors.invalidState('The papers are still being read; edit the evidence list once the review is finished.', 'REVIEW_NOT_FINISHED');
    const evidence = new Set(doc.documents.filter((d) => d.kind === 'evidence').map((d) => d.id));
    const stranger = input.items.find((i) => !evidence.has(i.documentId));
    if (stranger) throw errors.validation(`"${stranger.documentId}" is not an evidence document of this case.`, { documentId: stranger.documentId }, 'NOT_AN_EVIDENCE_DOCUMENT');
    const at = deps.now().toISOString();
    await deps.jobs.updateOne({ _id: job._id }, { $set: { evidenceList: input.items, evidenceListEditedAt: at, updatedAt: at } }).exec();
    res.json(reviewView({ ...job, evidenceList: input.items, evidenceListEditedAt: at }));
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/review/pages/:documentId/:page', summary: 'One page of a filed document as an image (PNG for a PDF page, the upload itself for a photo)', tags, auth: true, responses: { 200: { description: 'image/png or image/jpeg' }, 404: err('No such document or page'), 429: err('Too many page images') } });
  router.get('/api/cases/:id/review/pages/:documentId/:page', auth, async (req, res) => {
    const user = currentUser(req);
    const { documentId, page } = parseInput(pageParams, { documentId: req.params.documentId, page: req.params.page });
    const { doc } = await filerOrCourt(user, id(req));
    const meta = doc.documents.find((d) => d.id === documentId);
    if (!meta) throw errors.notFound('The document', 'DOCUMENT_NOT_FOUND');
    countPageRequest(pageRequests, user.id, deps.now().getTime());
    const bytes = await deps.documents.read(documentId);
    res.setHeader('cache-control', 'private, max-age=300');
    if (meta.mediaType === 'image/png' || meta.mediaType === 'image/jpeg') {
      if (page !== 1) throw errors.notFound('The page', 'PAGE_NOT_FOUND');
      res.setHeader('content-type', meta.mediaType);
      res.send(bytes);
      return;
    }
    if (meta.mediaType !== 'application/pdf') throw errors.notFound('An image of this document', 'PAGE_NOT_FOUND');
    const png = await renderPagePng(deps.pool, bytes, page).catch(() => null);
    if (!png || png.length === 0) throw errors.notFound('The page', 'PAGE_NOT_FOUND');
    res.setHeader('content-type', 'image/png');
    res.send(png);
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/review/reverse', summary: 'Clerk or judge of the court: reverse an automatic docketing within the 7-day review period, giving reasons', tags, auth: true, body: reverseDocketingSchema, responses: { 200: { description: 'The case, back under review' }, 409: err('Not docketed automatically, or the period has ended') } });
  router.post('/api/cases/:id/review/reverse', auth, async (req, res) => {
    const user = currentUser(req);
    const input = parseInput(reverseDocketingSchema, req.body);
    if (!user.roles.includes('clerk') && !user.roles.includes('judge')) throw errors.forbidden('Only a clerk or judge of the court reverses an automatic docketing.', 'NOT_COURT_STAFF');
    await deps.cases.reverseDocketing(user, id(req), input.reasons);
    res.json(await deps.cases.view(user, id(req)));
  });

  ctx.api.add({ method: 'get', path: '/api/admin/court/auto-docket', summary: "Court admin: whether the court dockets automatically", tags, auth: true, responses: { 200: { description: '{ courtId, autoDocket }' } } });
  router.get('/api/admin/court/auto-docket', auth, async (req, res) => {
    const courtId = courtAdmin(currentUser(req));
    const court = await findCourt(ctx.connection, courtId);
    if (!court) throw errors.notFound('The court', 'COURT_NOT_FOUND');
    res.json({ courtId, autoDocket: court.autoDocket });
  });

  ctx.api.add({ method: 'put', path: '/api/admin/court/auto-docket', summary: 'Court admin: turn automatic docketing on or off for the court', tags, auth: true, body: autoDocketSettingSchema, responses: { 200: { description: '{ courtId, autoDocket }' }, 403: err('Not a court administrator') } });
  router.put('/api/admin/court/auto-docket', auth, async (req, res) => {
    const courtId = courtAdmin(currentUser(req));
    const input = parseInput(autoDocketSettingSchema, req.body);
    if (!(await setAutoDocket(ctx.connection, courtId, input.autoDocket))) throw errors.notFound('The court', 'COURT_NOT_FOUND');
    ctx.logger.info({ courtId, autoDocket: input.autoDocket, by: currentUser(req).id }, 'automatic docketing changed');
    res.json({ courtId, autoDocket: input.autoDocket });
  });

  return router;
}

function courtAdmin(user: AuthUser): string {
  if (!user.courtId || !user.roles.includes('admin')) throw errors.forbidden('Only a court administrator changes the court\'s settings.', 'NOT_COURT_ADMIN');
  return user.courtId;
}

function countPageRequest(counts: Map<string, { start: number; count: number }>, userId: string, now: number): void {
  const entry = counts.get(userId);
  if (!entry || now - entry.start >= 60_000) {
    if (counts.size > 10_000) counts.clear();
    counts.set(userId, { start: now, count: 1 });
    return;
  }
  entry.count++;
  if (entry.count > PAGES_PER_MINUTE) throw errors.rateLimited(`At most ${PAGES_PER_MINUTE} page images a minute; wait a moment.`, 'TOO_MANY_PAGE_IMAGES');
}
