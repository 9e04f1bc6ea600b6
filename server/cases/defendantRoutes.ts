import { Router } from 'express';
import { z } from 'zod';
import { clientIp, rateLimitedError } from '../auth/rateLimitReply.js';
import { authenticate, currentUser } from '../auth/middleware.js';
import { consume, MemoryRateLimitStore, type CountLimit, type RateLimitStore } from '../auth/rateLimitStore.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import { caseSummary } from './caseView.js';
import { ACCESS_CODE_PATTERN, type DefendantAccess } from './defendantAccess.js';

const claimSchema = z.object({ code: z.string().trim().regex(ACCESS_CODE_PATTERN, 'must be the access code printed on the court document, e.g. ABCD-EFGH-JKMN') }).strict();
const confirmSchema = z
  .object({
    userId: z.string().trim().regex(/^[0-9a-f]{24}$/, 'must be a user id'),
    /** How the clerk checked who the person is (e.g. "ID card shown on a video call"): kept in the case log. */
    identityCheck: z.string().trim().min(1).max(500),
    replace: z.boolean().optional(),
  })
  .strict();
const indexParam = z.coerce.number().int().min(0).max(19);

/** Guessing codes: a person has a handful of court papers, not hundreds. */
export const CLAIM_LIMIT: CountLimit = { max: 10, windowMs: 60 * 60 * 1000 };

export function defendantRoutes(ctx: AppContext, access: DefendantAccess, options: { limits?: RateLimitStore } = {}): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const limits = options.limits ?? ctx.sharedRateLimits?.('claims') ?? new MemoryRateLimitStore();
  const tags = ['cases'];

  ctx.api.add({
    method: 'post',
    path: '/api/cases/claim',
    summary: 'A defendant enters the one-time access code printed on the summons or notice the court served on them; the account becomes that defendant of the case',
    tags,
    auth: true,
    body: claimSchema,
    responses: {
      200: { description: '{ case } (summary, you: defendant)' },
      400: { description: 'ACCESS_CODE_INVALID (unknown or already used) or VALIDATION_FAILED' },
      403: { description: 'CANNOT_CLAIM_OWN_CASE, NOT_A_PARTY' },
      429: { description: 'RATE_LIMITED: see Retry-After' },
    },
  });
  router.post('/api/cases/claim', auth, async (req, res) => {
    const user = currentUser(req);
    const { code } = parseInput(claimSchema, req.body);
    const at = Date.now();
    for (const key of [`claim:user:${user.id}`, `claim:ip:${clientIp(req)}`]) {
      const decision = await consume(limits, key, key.startsWith('claim:ip') ? { ...CLAIM_LIMIT, max: CLAIM_LIMIT.max * 10 } : CLAIM_LIMIT, at);
      if (!decision.allowed) throw rateLimitedError(res, decision.retryAfterSeconds, 'Too many access codes were tried.', '尝试查阅码次数过多，');
    }
    const doc = await access.claim(user, code);
    res.json({ case: caseSummary(doc, 'defendant') });
  });

  ctx.api.add({
    method: 'post',
    path: '/api/cases/:id/defendants/:index/confirm',
    summary: "Clerk: after checking the person's identity, confirm their account as the case's defendant number `index` (0-based)",
    tags,
    auth: true,
    body: confirmSchema,
    responses: {
      200: { description: '{ case } (summary)' },
      400: { description: 'UNKNOWN_USER, CANNOT_CLAIM_OWN_CASE, VALIDATION_FAILED' },
      403: { description: 'NOT_CLERK_OF_COURT' },
      404: { description: 'CASE_NOT_FOUND, DEFENDANT_NOT_FOUND' },
      409: { description: 'CASE_NOT_DOCKETED, DEFENDANT_ALREADY_BOUND' },
    },
  });
  router.post('/api/cases/:id/defendants/:index/confirm', auth, async (req, res) => {
    const input = parseInput(confirmSchema, req.body);
    const index = parseInput(z.object({ index: indexParam }), { index: req.params.index }).index;
    const doc = await access.confirmByClerk(currentUser(req), String(req.params.id), index, input);
    res.json({ case: caseSummary(doc, 'court') });
  });

  return router;
}
