import { Router } from 'express';
import { z } from 'zod';
import { clientIp, rateLimitedError } from '../auth/rateLimitReply.js';
import { authenticate, currentUser } from '../auth/middleware.js';
import { consume, MemoryRateLimitStore } from '../auth/rateLimitStore.js';
import { SMS_CODE_PATTERN, SmsCodes } from '../auth/smsCodes.js';
import type { AppContext } from '../context.js';
import { findCourt } from '../courts/courtModel.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import type { SmsProvider } from '../mail/sms.js';
import { IdentityReviews, type DefendantUnbinding } from './identityReview.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PHONE_PATTERN, userServiceDeps } from './userService.js';

const requestSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    idNumber: z.string().trim().min(1).max(32),
    phone: z.string().trim().regex(PHONE_PATTERN, 'must be a mainland China mobile number (11 digits starting with 13-19)'),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
    /** The registration code sent to `phone` (POST /api/auth/sms-code): registration answered ID_NUMBER_TAKEN. */
    smsCode: z.string().trim().regex(SMS_CODE_PATTERN, 'must be the 6-digit code sent by SMS'),
    court: z.string().trim().min(1).max(40),
    statement: z.string().trim().max(2000).default(''),
  })
  .strict();
const approveSchema = z.object({ identityCheck: z.string().trim().min(1).max(500) }).strict();
const rejectSchema = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
const listSchema = z.object({ status: z.enum(['pending', 'approving', 'approved', 'rejected']).optional() }).strict();

export function identityReviewRoutes(ctx: AppContext, defendants: DefendantUnbinding, sms: SmsProvider, now: () => Date): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const deps = userServiceDeps(ctx);
  const codes = new SmsCodes(ctx.connection, deps.cipher, sms);
  const reviews = new IdentityReviews({ ...deps, defendants, now });
  const limits = ctx.sharedRateLimits?.('identity-reviews') ?? new MemoryRateLimitStore();
  const tags = ['identity'];

  ctx.api.add({ method: 'post', path: '/api/identity-reviews', summary: 'Ask a court to review an ID number another account holds (after registration answered ID_NUMBER_TAKEN); proves the phone with the registration SMS code', tags, auth: false, body: requestSchema, responses: { 201: { description: '{ review: { id, status: pending } }' }, 400: { description: 'INVALID_ID_NUMBER, INVALID_PHONE, PASSWORD_TOO_SHORT, SMS_CODE_INVALID, SMS_CODE_EXPIRED, UNKNOWN_COURT, VALIDATION_FAILED' }, 429: { description: 'RATE_LIMITED' } } });
  router.post('/api/identity-reviews', async (req, res) => {
    const input = parseInput(requestSchema, req.body);
    const decision = await consume(limits, `review:ip:${clientIp(req)}`, { max: 20, windowMs: 60 * 60 * 1000 }, Date.now());
    if (!decision.allowed) throw rateLimitedError(res, decision.retryAfterSeconds, 'Too many review requests from this address.', '申请过于频繁，');
    const court = await findCourt(ctx.connection, input.court);
    if (!court) throw errors.validation(`There is no court "${input.court}" on this platform.`, undefined, 'UNKNOWN_COURT');
    await codes.require(input.phone, 'register', input.smsCode, { consume: true });
    const review = await reviews.request({ ...input, courtId: court.id });
    res.status(201).json({ review: { id: review._id, status: review.status } });
  });

  ctx.api.add({ method: 'get', path: '/api/identity-reviews', summary: "Clerk: the court's identity reviews (pending by default), each with the account now holding the number", tags, auth: true, query: listSchema, responses: { 200: { description: '{ reviews }' }, 403: { description: 'NOT_CLERK_OF_COURT' } } });
  router.get('/api/identity-reviews', auth, async (req, res) => {
    const { status } = parseInput(listSchema, req.query);
    res.json({ reviews: await reviews.listFor(currentUser(req), status) });
  });

  ctx.api.add({ method: 'get', path: '/api/identity-reviews/audit', summary: "Clerk: the court's record of ID numbers moved or refused by identity review", tags, auth: true, responses: { 200: { description: '{ entries }' }, 403: { description: 'NOT_CLERK_OF_COURT' } } });
  router.get('/api/identity-reviews/audit', auth, async (req, res) => {
    res.json({ entries: await reviews.auditOf(currentUser(req)) });
  });

  ctx.api.add({ method: 'post', path: '/api/identity-reviews/:id/approve', summary: "Clerk: after checking the person's identity, move the ID number to them (new account); the old holder loses it and its defendant roles", tags, auth: true, body: approveSchema, responses: { 200: { description: '{ userId, previousUserId }' }, 403: { description: 'NOT_CLERK_OF_COURT' }, 404: { description: 'REVIEW_NOT_FOUND' } } });
  router.post('/api/identity-reviews/:id/approve', auth, async (req, res) => {
    const { identityCheck } = parseInput(approveSchema, req.body);
    res.json(await reviews.approve(currentUser(req), String(req.params.id), identityCheck));
  });

  ctx.api.add({ method: 'post', path: '/api/identity-reviews/:id/reject', summary: 'Clerk: refuse an identity review, with the reason', tags, auth: true, body: rejectSchema, responses: { 204: { description: 'Refused' }, 403: { description: 'NOT_CLERK_OF_COURT' }, 404: { description: 'REVIEW_NOT_FOUND' } } });
  router.post('/api/identity-reviews/:id/reject', auth, async (req, res) => {
    const { reason } = parseInput(rejectSchema, req.body);
    await reviews.reject(currentUser(req), String(req.params.id), reason);
    res.status(204).end();
  });

  return router;
}
