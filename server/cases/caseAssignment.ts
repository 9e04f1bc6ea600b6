/**
 * The court administrator assigns the judge and the clerk of a case. The assignment is a case
 * command (an OFFICERS_ASSIGNED entry of the case log, caseCommands.ts) and an entry of the
 * court's administration log (users/adminAudit.ts), each with the officers before and after.
 */
import { Router } from 'express';
import { isValidObjectId } from 'mongoose';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { AdminAudit } from '../users/adminAudit.js';
import { userModel, type UserDoc } from '../users/userModel.js';
import type { CaseService } from './caseService.js';

const objectId = z.string().trim().regex(/^[0-9a-f]{24}$/, 'must be an account id');
const assignmentSchema = z.object({ judgeId: objectId.optional(), clerkId: objectId.optional() }).strict().refine((a) => a.judgeId || a.clerkId, 'name a judge, a clerk or both');

export function caseAssignmentRoutes(ctx: AppContext, service: CaseService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const audit = new AdminAudit(ctx.connection);
  const users = userModel(ctx.connection);

  /** An active account of the court holding `role`, or 400 with a stable code. */
  const officer = async (courtId: string, id: string, role: 'judge' | 'clerk'): Promise<void> => {
    const found = isValidObjectId(id) ? await users.findOne({ _id: id, courtId }, { roles: 1, deactivatedAt: 1 }).lean<Pick<UserDoc, 'roles' | 'deactivatedAt'>>().exec() : null;
    if (!found || !found.roles.includes(role) || found.deactivatedAt) {
      throw errors.validation(`That account is not an active ${role} of this court.`, { role }, 'NOT_AN_OFFICER_OF_COURT');
    }
  };

  ctx.api.add({ method: 'post', path: '/api/cases/:id/assignment', summary: 'Court administrator: assign the judge and/or the clerk of a case ({ judgeId?, clerkId? }); logged on the case and in the administration log', tags: ['admin', 'cases'], auth: true, body: assignmentSchema, responses: { 200: { description: 'The case, with judge and clerk' }, 400: { description: 'NOT_AN_OFFICER_OF_COURT, VALIDATION_FAILED' }, 403: { description: 'NOT_COURT_ADMIN' }, 404: { description: 'CASE_NOT_FOUND' } } });
  router.post('/api/cases/:id/assignment', auth, async (req, res) => {
    const admin = currentUser(req);
    if (!admin.courtId || !admin.roles.includes('admin')) throw errors.forbidden('Only a court administrator assigns judges and clerks.', 'NOT_COURT_ADMIN');
    const input = parseInput(assignmentSchema, req.body);
    const caseId = String(req.params.id);
    const doc = await service.get(admin, caseId);
    if (input.judgeId) await officer(doc.courtId, input.judgeId, 'judge');
    if (input.clerkId) await officer(doc.courtId, input.clerkId, 'clerk');
    let before: Record<string, unknown> = {};
    let after: Record<string, unknown> = {};
    await service.commands.apply(doc, (current) => {
      before = { judgeId: current.judgeId ?? null, clerkId: current.clerkId ?? null };
      after = { judgeId: input.judgeId ?? current.judgeId ?? null, clerkId: input.clerkId ?? current.clerkId ?? null };
      return {
        entry: { type: 'OFFICERS_ASSIGNED', actor: { userId: admin.id, role: 'admin' }, data: { before, after } },
        fields: { ...(input.judgeId ? { judgeId: input.judgeId } : {}), ...(input.clerkId ? { clerkId: input.clerkId } : {}) },
      };
    });
    await audit.record(doc.courtId, { type: 'CASE_OFFICERS_ASSIGNED', actor: { userId: admin.id, name: admin.name }, subject: { kind: 'case', id: caseId }, before, after });
    res.json(await service.view(admin, caseId));
  });
  return router;
}
