import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { CaseService } from './caseService.js';

const waiverSchema = z
  .object({
    defendantId: z.string().trim().min(1).max(100).optional(),
    statement: z.string().trim().min(1).max(2000),
  })
  .strict();

/** Steps of the lawful order that are not filings: a defendant's waiver of the rest of the answer period. */
export function procedureRoutes(ctx: AppContext, service: CaseService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const err = (description: string) => ({ description });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/answer-waiver',
    summary: "Defendant (or a clerk recording the defendant's statement, naming defendantId): waive the rest of the answer period; logged on the case",
    tags: ['cases'],
    auth: true,
    body: waiverSchema,
    responses: {
      200: { description: 'The case' },
      400: err('VALIDATION_FAILED, DEFENDANT_REQUIRED, INVALID_EVENT'),
      403: err('NOT_A_DEFENDANT'),
      404: err('CASE_NOT_FOUND'),
      409: err('ANSWER_PERIOD_NOT_RUNNING (not served, already answered or waived), INVALID_STATE'),
    },
  });
  router.post('/api/cases/:id/answer-waiver', auth, async (req, res) => {
    const input = parseInput(waiverSchema, req.body);
    const user = currentUser(req);
    await service.waiveAnswerPeriod(user, String(req.params.id), input);
    res.json(await service.view(user, String(req.params.id)));
  });

  return router;
}
