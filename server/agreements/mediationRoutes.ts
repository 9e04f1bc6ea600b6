import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { CaseService } from '../cases/caseService.js';
import { caseView } from '../cases/caseView.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { NotificationService } from '../notifications/notificationService.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';

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

/** What the filing party is told at each step; the reason is theirs to read too. */
const MESSAGES: Record<MediationAction['action'], { titleZh: string; titleEn: string; bodyZh: string; bodyEn: string }> = {
  offer: {
    titleZh: '法院建议调解',
    titleEn: 'The court offers mediation',
    bodyZh: '法院建议通过调解解决本案纠纷。调解员将与您联系。',
    bodyEn: 'The court proposes to resolve your case by mediation. The mediator will contact you.',
  },
  accept: {
    titleZh: '案件进入调解',
    titleEn: 'Your case is in mediation',
    bodyZh: '各方同意调解，案件已进入调解程序。',
    bodyEn: 'The parties agreed to mediate; the case is now in mediation.',
  },
  decline: {
    titleZh: '调解未启动',
    titleEn: 'Mediation declined',
    bodyZh: '调解未能启动，案件将继续审理。',
    bodyEn: 'Mediation was declined; the case continues to adjudication.',
  },
  fail: {
    titleZh: '调解未成功',
    titleEn: 'Mediation did not succeed',
    bodyZh: '调解未能达成协议，案件将继续审理。',
    bodyEn: 'No agreement was reached; the case continues to adjudication.',
  },
};

/**
 * POST /api/cases/:id/mediation: the mediator or clerk records the mediation
 * steps the case machine knows (offer, accepted, declined, failed). Settlement
 * is not here: it happens only when a signed agreement takes effect.
 */
export function mediationRoutes(ctx: AppContext, cases: CaseService, notifications: NotificationService, cipher: PersonalDataCipher): Router {
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
    const doc = await cases.mediationStep(user, caseId, caseEvent(input));
    const message = MESSAGES[input.action];
    const withReason = 'reason' in input && input.reason;
    notifications.notifyInBackground([doc.filerId], {
      type: `mediation.${input.action}`,
      caseId,
      titleZh: doc.caseNumber ? `${message.titleZh}（${doc.caseNumber}）` : message.titleZh,
      titleEn: doc.caseNumber ? `${message.titleEn} (${doc.caseNumber})` : message.titleEn,
      bodyZh: withReason ? `${message.bodyZh}原因：${input.reason}` : message.bodyZh,
      bodyEn: withReason ? `${message.bodyEn} Reason: ${input.reason}` : message.bodyEn,
      link: `/cases/${caseId}`,
    });
    res.json(caseView(doc, await cases.timeline(caseId), cipher, cases.allowedActions(user, doc)));
  });

  return router;
}
