import { Router, type Request } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { AgreementView } from '../../protocol/agreementViews.js';
import type { AgreementDoc, SignatureDoc } from './agreementModel.js';
import type { AgreementService } from './agreementService.js';

const userId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id');

export const draftSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    terms: z.array(z.string().trim().min(1).max(5000)).min(1, 'state at least one term').max(99),
    signatories: z
      .array(userId)
      .min(2, 'an agreement needs at least two signatories')
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, 'each signatory may appear only once'),
  })
  .strict();

export const signSchema = z
  .object({
    // The hash the signer's client computed over the PDF it showed them.
    documentSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex')
      .transform((s) => s.toLowerCase()),
    // The signer's password again, just before signing (re-authentication); without it: REAUTHENTICATION_REQUIRED.
    password: z.string().min(1).max(200).optional(),
  })
  .strict();

const signatoryView = z.object({ userId: z.string(), name: z.string(), signedAt: z.string().optional() });
export const agreementViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  courtId: z.string(),
  caseNumber: z.string().optional(),
  title: z.string(),
  terms: z.array(z.string()),
  signatories: z.array(signatoryView),
  drafter: z.object({ userId: z.string(), name: z.string(), role: z.enum(['mediator', 'clerk']) }),
  documentSha256: z.string(),
  size: z.number(),
  status: z.enum(['draft', 'effective']),
  effectiveAt: z.string().optional(),
  createdAt: z.string(),
  pdf: z.string(),
  /** The signed copy (every signature with its time, under the court's digital signature), once in effect. */
  signedPdf: z.string().optional(),
  signedSha256: z.string().optional(),
});
const verifyResponse = z.object({
  valid: z.boolean(),
  documentSha256: z.string(),
  documentValid: z.boolean(),
  signatures: z.array(z.object({ userId: z.string(), signedAt: z.string(), valid: z.boolean() })),
  pending: z.array(z.string()),
  effectiveAt: z.string().optional(),
  signature: z.object({ present: z.boolean(), valid: z.boolean() }).loose().optional(),
});
const signResponse = z.object({
  agreement: agreementViewSchema,
  signature: z.object({ userId: z.string(), signedAt: z.string(), documentSha256: z.string(), signature: z.string() }),
});

export function agreementView(a: AgreementDoc, signatures: readonly SignatureDoc[]): AgreementView {
  const signedAt = new Map(signatures.map((s) => [s.userId, s.signedAt]));
  return {
    id: a._id,
    caseId: a.caseId,
    courtId: a.courtId,
    ...(a.caseNumber ? { caseNumber: a.caseNumber } : {}),
    title: a.title,
    terms: a.terms,
    signatories: a.signatories.map((s) => {
      const at = signedAt.get(s.userId);
      return at ? { ...s, signedAt: at } : { ...s };
    }),
    drafter: { userId: a.drafter.userId, name: a.drafter.name, role: a.drafter.role },
    documentSha256: a.documentSha256,
    size: a.size,
    status: a.status,
    ...(a.effectiveAt ? { effectiveAt: a.effectiveAt } : {}),
    createdAt: a.createdAt,
    pdf: `/api/agreements/${a._id}/pdf`,
    ...(a.status === 'effective' ? { signedPdf: `/api/agreements/${a._id}/signed-pdf` } : {}),
    ...(a.signedSha256 ? { signedSha256: a.signedSha256 } : {}),
  };
}

const idOf = (req: Request) => String(req.params.id);

export function agreementRoutes(ctx: AppContext, service: AgreementService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['agreements'];
  const err = (description: string) => ({ description });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/agreements',
    summary: "Draft a mediation agreement for signature (mediator or clerk of the case's court); the PDF is rendered and hashed",
    tags,
    auth: true,
    body: draftSchema,
    responses: { 201: { description: 'The draft', schema: agreementViewSchema }, 400: err('Invalid terms or signatories'), 403: err('Not a mediation officer of this court'), 404: err('No such case'), 409: err('The case is closed') },
  });
  router.post('/api/cases/:id/agreements', auth, async (req, res) => {
    const input = parseInput(draftSchema, req.body);
    const agreement = await service.draft(currentUser(req), idOf(req), input);
    res.status(201).json(agreementView(agreement, []));
  });

  ctx.api.add({ method: 'get', path: '/api/agreements/:id', summary: 'An agreement with who has signed (signatories and court staff)', tags, auth: true, responses: { 200: { description: 'The agreement', schema: agreementViewSchema }, 404: err('Not visible to you') } });
  router.get('/api/agreements/:id', auth, async (req, res) => {
    const { agreement, signatures } = await service.get(currentUser(req), idOf(req));
    res.json(agreementView(agreement, signatures));
  });

  ctx.api.add({ method: 'get', path: '/api/agreements/:id/pdf', summary: 'The agreement as the PDF every signature binds (header x-content-sha256)', tags, auth: true, responses: { 200: { description: 'application/pdf' }, 404: err('Not visible to you') } });
  router.get('/api/agreements/:id/pdf', auth, async (req, res) => {
    const { agreement, bytes } = await service.pdf(currentUser(req), idOf(req));
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="agreement-${agreement._id}.pdf"`);
    res.setHeader('x-content-sha256', agreement.documentSha256);
    res.send(bytes);
  });

  ctx.api.add({
    method: 'post',
    path: '/api/agreements/:id/sign',
    summary: 'Sign the agreement in your own session after entering your password again (password), binding you, the time and the document hash',
    tags,
    auth: true,
    body: signSchema,
    responses: {
      200: { description: 'The signature and the agreement (effective after the last signature)', schema: signResponse },
      403: err('NOT_A_SIGNATORY, REAUTHENTICATION_REQUIRED (no password), REAUTHENTICATION_FAILED (wrong password)'),
      404: err('Not visible to you'),
      429: err('REAUTHENTICATION_LOCKED (too many wrong passwords)'),
      409: err('DOCUMENT_CHANGED, ALREADY_SIGNED or AGREEMENT_EFFECTIVE'),
    },
  });
  router.post('/api/agreements/:id/sign', auth, async (req, res) => {
    const { documentSha256, password } = parseInput(signSchema, req.body);
    const userAgent = req.get('user-agent');
    const session = { ...(req.ip ? { ip: req.ip } : {}), ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) };
    const { agreement, signature, signatures } = await service.sign(currentUser(req), idOf(req), documentSha256, session, password);
    res.json({
      agreement: agreementView(agreement, signatures),
      signature: { userId: signature.userId, signedAt: signature.signedAt, documentSha256: signature.documentSha256, signature: signature.signature },
    });
  });

  ctx.api.add({ method: 'get', path: '/api/agreements/:id/signed-pdf', summary: 'The signed copy: the agreement with every signature and its time, under the court\'s digital signature (header x-content-sha256)', tags, auth: true, responses: { 200: { description: 'application/pdf' }, 404: err('Not visible to you'), 409: err('AGREEMENT_NOT_EFFECTIVE') } });
  router.get('/api/agreements/:id/signed-pdf', auth, async (req, res) => {
    const { agreement, bytes } = await service.signedPdf(currentUser(req), idOf(req));
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="agreement-${agreement._id}-signed.pdf"`);
    res.setHeader('x-content-sha256', agreement.signedSha256 ?? '');
    res.send(bytes);
  });

  ctx.api.add({ method: 'get', path: '/api/agreements/:id/verify', summary: 'Recompute the document hash and every signature', tags, auth: true, responses: { 200: { description: 'The verification', schema: verifyResponse }, 404: err('Not visible to you') } });
  router.get('/api/agreements/:id/verify', auth, async (req, res) => {
    res.json(await service.verify(currentUser(req), idOf(req)));
  });

  return router;
}
