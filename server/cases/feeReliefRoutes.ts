import { Router, type Request } from 'express';
import { z } from 'zod';
import { isIsoDate } from '../../state-machines/rules/periods.js';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { DocumentStore } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { filesOf, uploads } from '../http/uploads.js';
import { parseInput } from '../http/validate.js';
import { createDocumentCipher } from '../privacy/documentCipher.js';
import type { CaseService } from './caseService.js';

const amount = z.string().trim().regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be an amount in yuan with at most 2 decimals');
const date = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');

export const reliefApplicationSchema = z
  .object({
    /** 缓交 deferral, 减交 reduction, 免交 waiver. */
    kind: z.enum(['deferral', 'reduction', 'waiver']),
    reasons: z.string().trim().min(1, 'give your reasons').max(4000),
    until: date.optional(),
    amount: amount.optional(),
  })
  .strict()
  .refine((a) => a.kind !== 'deferral' || a.until !== undefined, { message: 'a deferral names the date you ask to pay by', path: ['until'] })
  .refine((a) => a.kind !== 'reduction' || a.amount !== undefined, { message: 'a reduction names the amount you ask to pay', path: ['amount'] });

const decisionSchema = z
  .object({
    decision: z.enum(['grant', 'refuse']),
    reasons: z.string().trim().min(1, 'give the reasons for the decision').max(4000),
    until: date.optional(),
    amount: amount.optional(),
  })
  .strict();

const PROOF = [{ name: 'proof', maxCount: 10 }];

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw errors.validation('The "application" field is not valid JSON.', undefined, 'MALFORMED_JSON');
  }
}

function applicationPart(req: Request): unknown {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.application !== 'string') return req.is('multipart/form-data') ? undefined : body;
  return parseJson(body.application);
}

/** Fee relief (缓交、减交、免交): the filer applies with reasons and proof; the clerk or judge decides. */
export function feeReliefRoutes(ctx: AppContext, service: CaseService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const store = new DocumentStore(ctx.connection, createDocumentCipher(ctx.config.dataEncryptionKey));
  const proofUpload = uploads(PROOF, ctx.config.uploadMaxBytes, {
    store,
    json: { field: 'application', required: true, check: (value) => void parseInput(reliefApplicationSchema, parseJson(value)) },
  });
  const tags = ['cases', 'fees'];
  const err = (description: string) => ({ description });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/fee-relief',
    summary: 'Filer: apply for relief from the court fee (缓交 deferral, 减交 reduction, 免交 waiver): multipart, JSON field "application" { kind, reasons, until? (deferral), amount? (reduction) } first, then files "proof"',
    tags,
    auth: true,
    multipart: { json: { field: 'application', schema: reliefApplicationSchema }, files: ['proof'] },
    responses: { 201: err('The case, with feeRelief'), 400: err('VALIDATION_FAILED, PROOF_REQUIRED'), 403: err('Not the filer'), 409: err('NO_FEE_DUE, FEE_RELIEF_PENDING') },
  });
  router.post('/api/cases/:id/fee-relief', auth, proofUpload, async (req, res) => {
    const input = parseInput(reliefApplicationSchema, applicationPart(req));
    const files = filesOf(req).map((f) => ({ ...f, kind: 'other' as const }));
    const caseId = String(req.params.id);
    await service.applyForFeeRelief(currentUser(req), caseId, input, files);
    res.status(201).json(await service.view(currentUser(req), caseId));
  });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/fee-relief/:applicationId/decision',
    summary: 'Clerk or judge of the court: grant or refuse an application for fee relief, with reasons; a grant is the case step FEE_DEFERRED, FEE_WAIVED or FEE_REDUCED, a refusal leaves 7 days to pay',
    tags,
    auth: true,
    body: decisionSchema,
    responses: { 200: err('The case'), 403: err('Not a clerk or judge of the court'), 404: err('FEE_RELIEF_NOT_FOUND'), 409: err('FEE_RELIEF_DECIDED, NO_FEE_DUE') },
  });
  router.post('/api/cases/:id/fee-relief/:applicationId/decision', auth, requireRole('clerk', 'judge'), async (req, res) => {
    const input = parseInput(decisionSchema, req.body);
    const caseId = String(req.params.id);
    await service.decideFeeRelief(currentUser(req), caseId, String(req.params.applicationId), input);
    res.json(await service.view(currentUser(req), caseId));
  });

  return router;
}
