import { Router, type Request } from 'express';
import { z } from 'zod';
import { ONLINE_CASE_TYPES } from '../../state-machines/rules/fees.js';
import { isIsoDate } from '../../state-machines/rules/periods.js';
import { isFileableCause } from '../../state-machines/rules/data/causesOfAction.js';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { CaseService } from './caseService.js';
import { caseSummary, type CaseViewer } from './caseView.js';
import { listSchema } from './caseList.js';
import type { DocumentKind } from './materialCheck.js';
import { filesOf, uploads } from '../http/uploads.js';
import { parseInput } from '../http/validate.js';
import { idempotent } from '../http/idempotency.js';
import { DocumentStore } from '../documents/documentStore.js';
import { createDocumentCipher } from '../privacy/documentCipher.js';

const amount = z
  .union([z.number(), z.string()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be an amount in yuan with at most 2 decimals, e.g. 50000 or 1234.50'));

export const filingSchema = z
  .object({
    court: z.string().trim().min(1).max(40),
    caseType: z.enum(ONLINE_CASE_TYPES),
    claimAmount: amount.optional(),
    causeOfAction: z.string().trim().min(1).max(20).optional(),
    divorcePropertyAmount: amount.optional(),
    personalityDamagesAmount: amount.optional(),
    claims: z.array(z.string().trim().min(1).max(2000)).min(1, 'state at least one claim').max(50),
    facts: z.string().trim().min(1, 'describe the facts and reasons').max(20_000),
    defendants: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(100),
            idNumber: z.string().trim().toUpperCase().optional(),
            phone: z.string().trim().regex(/^1[3-9]\d{9}$/, 'must be a mainland mobile number').optional(),
          })
          .strict(),
      )
      .max(20),
  })
  .strict();

const reviewSchema = z
  .object({
    decision: z.enum(['accept', 'correct', 'reject']),
    reasons: z.array(z.string().trim().min(1).max(2000)).max(50).optional(),
    correctionDeadline: z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD').optional(),
  })
  .strict();

const resubmitSchema = z.object({ claimAmount: amount.optional() }).strict();
const withdrawSchema = z.object({ reason: z.string().trim().max(2000).optional() }).strict();

const FILE_FIELDS: { name: DocumentKind; maxCount: number }[] = [
  { name: 'complaint', maxCount: 5 },
  { name: 'evidence', maxCount: 20 },
  { name: 'idProof', maxCount: 5 },
  { name: 'other', maxCount: 10 },
];

const DECISION_FIELDS: { name: 'judgment' | 'ruling'; maxCount: number }[] = [
  { name: 'judgment', maxCount: 1 },
  { name: 'ruling', maxCount: 1 },
];

function kindedFiles(req: Request) {
  return filesOf(req).map((f) => ({ ...f, kind: f.field as DocumentKind }));
}

/** The JSON part of a multipart request (field `case`), or the JSON body itself. */
function jsonPart(req: Request): unknown {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.case !== 'string') return req.is('multipart/form-data') ? undefined : body;
  return parseJsonField(body.case);
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw errors.validation('The "case" field is not valid JSON.', undefined, 'MALFORMED_JSON');
  }
}

/** What zod cannot say alone: the cause is on the list, and each extra amount fits the case type. */
function checkFilingExtras(input: z.infer<typeof filingSchema>): void {
  if (input.causeOfAction !== undefined && !isFileableCause(input.causeOfAction)) {
    throw errors.validation(`"${input.causeOfAction}" is not a cause of action on the list (GET /api/causes).`, undefined, 'UNKNOWN_CAUSE_OF_ACTION');
  }
  if (input.divorcePropertyAmount !== undefined && input.caseType !== 'divorce') {
    throw errors.validation('divorcePropertyAmount applies to divorce cases only.', undefined, 'AMOUNT_NOT_APPLICABLE');
  }
  if (input.personalityDamagesAmount !== undefined && input.caseType !== 'personality') {
    throw errors.validation('personalityDamagesAmount applies to personality rights cases only.', undefined, 'AMOUNT_NOT_APPLICABLE');
  }
}
/** The `case` part is checked as soon as it arrives, before any file of the request is read. */
const caseField = (schema: z.ZodType, required: boolean) => ({ field: 'case', required, check: (value: string) => void parseInput(schema, parseJsonField(value)) });

export function caseRoutes(ctx: AppContext, service: CaseService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  // Files stream into storage as they arrive (the service claims them); a decision stays in memory to be sealed.
  const store = new DocumentStore(ctx.connection, createDocumentCipher(ctx.config.dataEncryptionKey));
  const upload = uploads(FILE_FIELDS, ctx.config.uploadMaxBytes, { store });
  const filingUpload = uploads(FILE_FIELDS, ctx.config.uploadMaxBytes, { store, json: caseField(filingSchema, true) });
  const resubmitUpload = uploads(FILE_FIELDS, ctx.config.uploadMaxBytes, { store, json: caseField(resubmitSchema, false) });
  const view = (req: Request, id: string) => service.view(currentUser(req), id);
  const once = idempotent(ctx.connection, ctx.logger);
  const tags = ['cases'];
  const err = (d: string) => ({ description: d });

  ctx.api.add({ method: 'post', path: '/api/cases', summary: 'File a case (multipart: JSON field "case" and files complaint, evidence, idProof)', tags, auth: true, multipart: { json: { field: 'case', schema: filingSchema }, files: FILE_FIELDS.map((f) => f.name) }, responses: { 201: { description: 'Filed: { id, status, findings }' }, 400: err('Invalid filing'), 413: err('File too large'), 415: err('File type not accepted') } });
  router.post('/api/cases', auth, filingUpload, once, async (req, res) => {
    const input = parseInput(filingSchema, jsonPart(req));
    checkFilingExtras(input);
    const doc = await service.file(currentUser(req), input, kindedFiles(req));
    res.status(201).json({ id: doc._id, status: doc.status, findings: doc.findings });
  });

  ctx.api.add({ method: 'get', path: '/api/cases', summary: "A party's own cases, or the court's cases for its staff (the clerk's queue, the judge's docket, the mediator's list): search (q: case number or party name), filters (status, comma-separated; caseType; judge; clerk; from/to filing dates), sort and page", tags, auth: true, query: listSchema, responses: { 200: { description: '{ cases: [{ ..., parties, nextDeadline, judge?, clerk? }], total, page, pageSize }' }, 400: err('VALIDATION_FAILED') } });
  router.get('/api/cases', auth, async (req, res) => {
    const filter = parseInput(listSchema, req.query);
    const user = currentUser(req);
    const { docs, total, page, pageSize, names } = await service.list(user, filter);
    // The list holds only the court's cases (staff) or the party's own: filed by them, or naming them as defendant.
    const you = (doc: (typeof docs)[number]): CaseViewer => (doc.filerId === user.id ? 'filer' : doc.courtId === user.courtId ? 'court' : 'defendant');
    const now = new Date();
    res.json({ cases: docs.map((doc) => caseSummary(doc, you(doc), service.calendar, now, names)), total, page, pageSize });
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id', summary: 'A case with status, number, fee, deadlines, timeline and documents', tags, auth: true, responses: { 200: { description: 'The case' }, 404: err('No such case visible to you') } });
  router.get('/api/cases/:id', auth, async (req, res) => {
    res.json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/review', summary: 'Clerk: accept (docket), request one consolidated correction, or reject', tags, auth: true, body: reviewSchema, responses: { 200: { description: 'The case' }, 403: err('Not a clerk'), 409: err('Not under review') } });
  router.post('/api/cases/:id/review', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(reviewSchema, req.body);
    await service.review(currentUser(req), String(req.params.id), input);
    res.json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/resubmit', summary: 'Filer: answer a correction notice with new material (multipart, optional JSON "case" { claimAmount })', tags, auth: true, multipart: { json: { field: 'case', schema: resubmitSchema }, files: FILE_FIELDS.map((f) => f.name) }, responses: { 200: { description: 'The case' }, 409: err('No correction pending') } });
  router.post('/api/cases/:id/resubmit', auth, resubmitUpload, async (req, res) => {
    const input = parseInput(resubmitSchema, jsonPart(req) ?? {});
    await service.resubmit(currentUser(req), String(req.params.id), input, kindedFiles(req));
    res.json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/documents', summary: 'Filer: further submissions into the case (multipart files evidence, complaint, idProof, other)', tags, auth: true, multipart: { files: FILE_FIELDS.map((f) => f.name) }, responses: { 201: { description: 'The case' } } });
  router.post('/api/cases/:id/documents', auth, upload, async (req, res) => {
    await service.addDocuments(currentUser(req), String(req.params.id), kindedFiles(req));
    res.status(201).json(await view(req, String(req.params.id)));
  });

  const answerUpload = uploads([{ name: 'answer', maxCount: 1 }], ctx.config.uploadMaxBytes, { store });
  ctx.api.add({ method: 'post', path: '/api/cases/:id/answer', summary: 'Defendant (or a clerk entering a paper answer): file the answer (答辩状) within the answer period, one file in field answer', tags, auth: true, multipart: { files: ['answer'] }, responses: { 201: { description: 'The case, now answered' }, 400: err('No file (ANSWER_FILE_REQUIRED)'), 403: err('Not a defendant of this case (NOT_A_DEFENDANT)'), 409: err('Not served yet, or the answer period has ended') } });
  router.post('/api/cases/:id/answer', auth, answerUpload, async (req, res) => {
    const [file] = filesOf(req);
    if (!file) throw errors.validation('Attach the answer as one file in field "answer".', undefined, 'ANSWER_FILE_REQUIRED');
    await service.fileAnswer(currentUser(req), String(req.params.id), file);
    res.status(201).json(await view(req, String(req.params.id)));
  });

  const decisionUpload = uploads(DECISION_FIELDS, ctx.config.uploadMaxBytes);
  ctx.api.add({ method: 'post', path: '/api/cases/:id/decision', summary: 'Judge: decide the case by filing the signed decision, a PDF in field judgment (判决书) or ruling (裁定书)', tags, auth: true, multipart: { files: DECISION_FIELDS.map((f) => f.name) }, responses: { 201: { description: 'The case, now decided' }, 400: err('Not exactly one readable PDF (DECISION_FILE_REQUIRED, DECISION_NOT_PDF)'), 403: err('Not a judge of this court'), 409: err('The case is not awaiting a decision') } });
  router.post('/api/cases/:id/decision', auth, decisionUpload, async (req, res) => {
    const files = filesOf(req);
    const [file] = files;
    if (files.length !== 1 || !file) throw errors.validation('Attach exactly one decision: a PDF in field "judgment" or "ruling".', undefined, 'DECISION_FILE_REQUIRED');
    await service.decide(currentUser(req), String(req.params.id), file.field as 'judgment' | 'ruling', file);
    res.status(201).json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/documents/:documentId', summary: 'Download a case document', tags, auth: true, responses: { 200: { description: 'The file' }, 404: err('No such document') } });
  router.get('/api/cases/:id/documents/:documentId', auth, async (req, res) => {
    const { meta, bytes } = await service.readDocument(currentUser(req), String(req.params.id), String(req.params.documentId));
    res.setHeader('content-type', meta.mediaType);
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.filename)}`);
    res.setHeader('x-content-sha256', meta.sha256);
    res.send(bytes);
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/payments', summary: 'Filer: pay the court fee (built-in provider: offline payment a clerk confirms)', tags, auth: true, responses: { 201: { description: 'The payment with instructions' }, 409: err('No fee due') } });
  router.post('/api/cases/:id/payments', auth, once, async (req, res) => {
    res.status(201).json({ payment: await service.startPayment(currentUser(req), String(req.params.id)) });
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/payments', summary: 'Payments of a case', tags, auth: true, responses: { 200: { description: '{ payments }' } } });
  router.get('/api/cases/:id/payments', auth, async (req, res) => {
    res.json({ payments: await service.listPayments(currentUser(req), String(req.params.id)) });
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/payments/:paymentId/confirm', summary: 'Clerk: confirm that a payment arrived; the fee is settled', tags, auth: true, responses: { 200: { description: 'The case' } } });
  router.post('/api/cases/:id/payments/:paymentId/confirm', auth, requireRole('clerk'), async (req, res) => {
    await service.confirmPayment(currentUser(req), String(req.params.id), String(req.params.paymentId));
    res.json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/withdraw', summary: 'Filer: withdraw the case', tags, auth: true, body: withdrawSchema, responses: { 200: { description: 'The case' } } });
  router.post('/api/cases/:id/withdraw', auth, async (req, res) => {
    const input = parseInput(withdrawSchema, req.body ?? {});
    await service.withdraw(currentUser(req), String(req.params.id), input.reason);
    res.json(await view(req, String(req.params.id)));
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/log/verify', summary: 'Recompute the hash chain of the case log', tags, auth: true, responses: { 200: { description: '{ valid, entries, firstInvalid? }' } } });
  router.get('/api/cases/:id/log/verify', auth, async (req, res) => {
    res.json(await service.verifyLog(currentUser(req), String(req.params.id)));
  });

  return router;
}
