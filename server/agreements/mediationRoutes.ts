import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { CaseService } from '../cases/caseService.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';

const reason = z.string().trim().min(1).max(2000);

export const mediationSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('offer') }).strict(),
  z.object({ action: z.literal('accept') }).strict(),
  z.object({ action: z.literal('decline'), reason: reason.optional() }).strict(),
  z.object({ action: z.literal('fail'), reason }).strict(),
]);
type MediationAction = z.infer<typeof mediationSchema>;

function caseEvent(input: MediationAction) {
  switch (input.action) {
    case 'offer':
      return { type: 'OFFER_MEDIATION' as const };
    case 'accept':
      return { type: 'MEDIATION_ACCEPTED' as const };
    case 'decline':
      return { type: 'MEDIATION_DECLINED' as const, ...(input.reason ? { reason: input.reason } : {}) };
    case 'fail':
      return { type: 'MEDIATION_FAILED' as const, reason: input.reason };
    default: {
      const never: never = input;
      throw new Error(`unhandled mediation action ${JSON.stringify(never)}`);
    }
  }
}

/**
 * POST /api/cases/:id/mediation: the mediator or clerk records the mediation
 * steps the case machine knows (offer, accepted, declined, failed). Settlement
 * is not here: it happens only when a signed agreement takes effect.
 */
export function mediationRoutes(ctx: AppContext, cases: CaseService): Router {
  const router = Router();
  const auth = authenticate(ctx);

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/mediation',
    summary: 'Mediator or clerk: offer mediation, record that the parties accepted or declined it, or that it failed (reason required)',
    tags: ['mediation'],
    auth: true,
    body: mediationSchema,
    responses: { 200: { description: 'The case' }, 403: { description: 'Not a mediation officer of this court' }, 409: { description: 'Not possible at this stage' } },
  });
  router.post('/api/cases/:id/mediation', auth, requireRole('mediator', 'clerk'), async (req, res) => {
    const input = parseInput(mediationSchema, req.body);
    const user = currentUser(req);
    const caseId = String(req.params.id);
    // The filer hears of each step from the case notifier (notifications/caseNotices.ts).
    await cases.mediationStep(user, caseId, caseEvent(input));
    res.json(await cases.view(user, caseId));
  });

  return router;
}
