/**
 * Court administration of staff accounts. Staff are never self-registered: a court
 * administrator (role admin, with a court) creates them for their own court, with the roles
 * clerk, judge, mediator or admin, and deactivates them when they leave. A deactivated
 * account cannot log in (403 ACCOUNT_DEACTIVATED); tokens already issued lapse within the hour.
 */
import { Router } from 'express';
import { isValidObjectId } from 'mongoose';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import { STAFF_ROLES, type AuthUser } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { userModel, type UserDoc } from './userModel.js';
import { AdminAudit } from './adminAudit.js';
import { createStaffUser, MAX_PASSWORD_LENGTH, maskedIdentity, MIN_PASSWORD_LENGTH, PHONE_PATTERN, userServiceDeps } from './userService.js';


const createSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    idNumber: z.string().trim().min(1).max(32),
    phone: z.string().trim().regex(PHONE_PATTERN, 'must be a mainland China mobile number (11 digits starting with 13-19)'),
    /** A first password the person changes; given to them by the administrator in person. */
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
    roles: z.array(z.enum(STAFF_ROLES)).min(1).max(4).transform((r) => [...new Set(r)]),
  })
  .strict();

type Lean = Pick<UserDoc, '_id' | 'name' | 'roles' | 'idNumberEnc' | 'phoneEnc' | 'deactivatedAt' | 'createdAt'>;

function requireAdmin(user: AuthUser): string {
  if (!user.courtId || !user.roles.includes('admin')) throw errors.forbidden('Only a court administrator manages staff accounts.', 'NOT_COURT_ADMIN');
  return user.courtId;
}

export function staffRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const deps = userServiceDeps(ctx);
  const users = userModel(ctx.connection);
  const tags = ['admin'];
  const audit = new AdminAudit(ctx.connection);
  const view = (u: Lean) => ({
    id: u._id.toHexString(),
    ...maskedIdentity(u, deps.cipher),
    roles: u.roles,
    active: !u.deactivatedAt,
    createdAt: u.createdAt.toISOString(),
  });
  const staffOf = async (courtId: string, id: string) => {
    const found = isValidObjectId(id) ? await users.findOne({ _id: id, courtId }).lean<Lean>().exec() : null;
    if (!found) throw errors.notFound('The staff account', 'USER_NOT_FOUND');
    return found;
  };

  ctx.api.add({ method: 'get', path: '/api/admin/staff', summary: "Court administrator: the staff accounts of the administrator's court", tags, auth: true, responses: { 200: { description: '{ staff: [{ id, name, idNumber (masked), phone (masked), roles, active, createdAt }] }' }, 403: { description: 'NOT_COURT_ADMIN' } } });
  router.get('/api/admin/staff', auth, async (req, res) => {
    const courtId = requireAdmin(currentUser(req));
    const rows = await users.find({ courtId }).sort({ createdAt: 1 }).limit(1000).lean<Lean[]>().exec();
    res.json({ staff: rows.map(view) });
  });

  ctx.api.add({ method: 'post', path: '/api/admin/staff', summary: "Court administrator: create a staff account (clerk, judge, mediator, admin) at the administrator's court", tags, auth: true, body: createSchema, responses: { 201: { description: '{ staff }' }, 400: { description: 'INVALID_ID_NUMBER, INVALID_PHONE, PASSWORD_TOO_SHORT, VALIDATION_FAILED' }, 403: { description: 'NOT_COURT_ADMIN' }, 409: { description: 'PHONE_TAKEN, ID_NUMBER_TAKEN' } } });
  router.post('/api/admin/staff', auth, async (req, res) => {
    const courtId = requireAdmin(currentUser(req));
    const input = parseInput(createSchema, req.body);
    const created = await createStaffUser(deps, { ...input, courtId });
    const admin = currentUser(req);
    await audit.record(courtId, { type: 'STAFF_CREATED', actor: { userId: admin.id, name: admin.name }, subject: { kind: 'user', id: created._id.toHexString() }, before: null, after: { name: created.name, roles: created.roles, active: true } });
    res.status(201).json({ staff: view(created) });
  });

  for (const action of ['deactivate', 'reactivate'] as const) {
    ctx.api.add({ method: 'post', path: `/api/admin/staff/:id/${action}`, summary: `Court administrator: ${action} a staff account of the court${action === 'deactivate' ? ' (it can no longer log in)' : ''}`, tags, auth: true, responses: { 200: { description: '{ staff }' }, 403: { description: 'NOT_COURT_ADMIN' }, 404: { description: 'USER_NOT_FOUND' }, 409: { description: 'CANNOT_DEACTIVATE_SELF' } } });
    router.post(`/api/admin/staff/:id/${action}`, auth, async (req, res) => {
      const admin = currentUser(req);
      const courtId = requireAdmin(admin);
      const id = String(req.params.id);
      const found = await staffOf(courtId, id);
      if (action === 'deactivate' && id === admin.id) {
        throw errors.conflict('You cannot deactivate your own account; ask another administrator.', 'CANNOT_DEACTIVATE_SELF');
      }
      const change = action === 'deactivate' ? { $set: { deactivatedAt: new Date(), deactivatedBy: admin.id } } : { $unset: { deactivatedAt: 1, deactivatedBy: 1 } };
      await users.updateOne({ _id: found._id, courtId }, change).exec();
      const after = await staffOf(courtId, id);
      await audit.record(courtId, {
        type: action === 'deactivate' ? 'STAFF_DEACTIVATED' : 'STAFF_REACTIVATED',
        actor: { userId: admin.id, name: admin.name },
        subject: { kind: 'user', id },
        before: { name: found.name, roles: found.roles, active: !found.deactivatedAt },
        after: { name: after.name, roles: after.roles, active: !after.deactivatedAt },
      });
      res.json({ staff: view(after) });
    });
  }

  return router;
}
