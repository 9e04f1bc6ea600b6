import { Router } from 'express';
import { z } from 'zod';
import { TRANSCRIPT_GROUNDS } from '../../state-machines/case/courtSettlement.js';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { CourtSettlement } from './courtSettlement.js';

const text = z.string().trim().min(1).max(2000);

export const mediationDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve') }).strict(),
  z.object({ action: z.literal('recordInTranscript'), ground: z.enum(TRANSCRIPT_GROUNDS), note: text.optional() }).strict(),
  z.object({ action: z.literal('reject'), reasons: z.array(text).min(1).max(20), returnTo: z.enum(['mediation', 'litigation']).optional() }).strict(),
]);

export const mediationDecisionReceiptSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('received'), recipientId: text, receivedAt: z.string().datetime({ offset: true }).optional() }).strict(),
  z.object({ outcome: z.literal('refused'), recipientId: text, reason: text }).strict(),
]);

/**
 * POST /api/cases/:id/mediation-decision: the judge approves a signed agreement (issuing and
 * serving the 调解书), records it in the hearing record (CPL Art. 101), or rejects it.
 * POST /api/cases/:id/mediation-decision/receipts: a clerk records a paper receipt or a refusal.
 */
export function courtSettlementRoutes(ctx: AppContext, settlement: CourtSettlement): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const conflicts = { description: 'Not possible at this stage (NO_SIGNED_AGREEMENT, NO_MEDIATION_DECISION_SERVING)' };

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/mediation-decision',
    summary: 'Judge: approve the signed mediation agreement and serve the 调解书, record it in the hearing record (CPL Art. 101 ground), or reject it',
    tags: ['mediation'],
    auth: true,
    body: mediationDecisionSchema,
    responses: { 200: { description: 'The case' }, 403: { description: 'Not a judge of this court' }, 409: conflicts },
  });
  router.post('/api/cases/:id/mediation-decision', auth, requireRole('judge'), async (req, res) => {
    const input = parseInput(mediationDecisionSchema, req.body);
    const user = currentUser(req);
    const caseId = String(req.params.id);
    await settlement.decide(user, caseId, input);
    res.json(await settlement.view(user, caseId));
  });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/mediation-decision/receipts',
    summary: 'Clerk: record that a party signed for the 调解书 on paper, or refused to (CPL Art. 102: it then does not take effect)',
    tags: ['mediation'],
    auth: true,
    body: mediationDecisionReceiptSchema,
    responses: { 200: { description: 'The case' }, 403: { description: 'Not a clerk of this court' }, 409: conflicts },
  });
  router.post('/api/cases/:id/mediation-decision/receipts', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(mediationDecisionReceiptSchema, req.body);
    const user = currentUser(req);
    const caseId = String(req.params.id);
    await settlement.recordReceipt(user, caseId, input);
    res.json(await settlement.view(user, caseId));
  });

  return router;
}
