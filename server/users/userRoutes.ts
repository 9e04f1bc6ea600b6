import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import { hasStaffRole, ROLES, STAFF_ROLES, type AuthUser } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { createPersonalDataCipher } from '../privacy/personalData.js';
import { userModel, type UserDoc } from './userModel.js';
import { PHONE_PATTERN } from './userService.js';

const MAX_RESULTS = 20;

export const userSearchSchema = z
  .object({
    q: z.string().trim().max(50).optional(),
    role: z.enum(ROLES).optional(),
    caseId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

const foundUser = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  side: z.enum(['plaintiff', 'defendant']).optional(),
});
const searchResponse = z.object({ users: z.array(foundUser) });
type FoundUser = z.infer<typeof foundUser>;

type Lean = Pick<UserDoc, '_id' | 'name' | 'roles' | 'phoneHash'>;
const FIELDS = { name: 1, roles: 1, phoneHash: 1 } as const;

/**
 * GET /api/users: court staff look up the people they invite to a hearing or
 * ask to sign an agreement, by name or mobile number. Deliberately not a
 * directory of citizens: it finds the staff of the caller's own court and, when
 * a case is named, that case's parties (the filer and any defendant the court
 * recognised: cases/defendantAccess.ts), nobody else.
 */
/** The little of a case this route reads; the case store (cases/caseStore.ts) is handed in by app.ts. */
export interface CaseLookup {
  get(caseId: string): Promise<{ courtId: string; filerId: string; defendants: { userId?: string }[] } | null>;
}

export function userRoutes(ctx: AppContext, cases: CaseLookup): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const cipher = createPersonalDataCipher(ctx.config.dataEncryptionKey);
  const users = userModel(ctx.connection);

  /** A query matches a name by substring (case-insensitive) or a mobile number exactly. */
  const matcher = (q: string | undefined) => {
    if (!q) return () => true;
    const lower = q.toLowerCase();
    const phoneHash = PHONE_PATTERN.test(q) ? cipher.lookupHash('phone', q) : undefined;
    return (u: Lean) => u.name.toLowerCase().includes(lower) || (phoneHash !== undefined && u.phoneHash === phoneHash);
  };

  async function staffOf(courtId: string): Promise<Lean[]> {
    // A court has tens of staff, not thousands: filter in code rather than rely on $regex support.
    return users.find({ courtId, roles: { $in: [...STAFF_ROLES] } }, FIELDS).sort({ name: 1 }).limit(500).lean<Lean[]>().exec();
  }

  async function partiesOf(user: AuthUser, caseId: string): Promise<(Lean & { side: 'plaintiff' | 'defendant' })[]> {
    const doc = await cases.get(caseId);
    // Another court's case is not disclosed, as everywhere else.
    if (!doc || doc.courtId !== user.courtId) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    const defendantIds = doc.defendants.flatMap((d) => (d.userId ? [d.userId] : []));
    const [filer, defendants] = await Promise.all([
      users.findById(doc.filerId, FIELDS).lean<Lean>().exec(),
      defendantIds.length ? users.find({ _id: { $in: defendantIds } }, FIELDS).lean<Lean[]>().exec() : Promise.resolve([]),
    ]);
    return [...(filer ? [{ ...filer, side: 'plaintiff' as const }] : []), ...defendants.map((d) => ({ ...d, side: 'defendant' as const }))];
  }

  ctx.api.add({
    method: 'get',
    path: '/api/users',
    summary: "Court staff: find people to invite by name or mobile number — the staff of your court and, with caseId, that case's parties",
    tags: ['users'],
    auth: true,
    query: userSearchSchema,
    responses: {
      200: { description: '{ users: [{ id, name, roles, side? }] }, at most 20', schema: searchResponse },
      400: { description: 'VALIDATION_FAILED' },
      403: { description: 'NOT_COURT_STAFF' },
      404: { description: 'CASE_NOT_FOUND (also for another court\'s case)' },
    },
  });
  router.get('/api/users', auth, async (req, res) => {
    const user = currentUser(req);
    if (!user.courtId || !hasStaffRole(user.roles)) {
      throw errors.forbidden('Only the staff of a court can look people up.', 'NOT_COURT_STAFF');
    }
    const input = parseInput(userSearchSchema, req.query);
    const matches = matcher(input.q);
    const [parties, staff] = await Promise.all([input.caseId ? partiesOf(user, input.caseId) : Promise.resolve([]), staffOf(user.courtId)]);
    const seen = new Set<string>();
    const found: FoundUser[] = [];
    // Parties first: on a case page they are who the caller is most likely looking for.
    const candidates: (Lean & { side?: 'plaintiff' | 'defendant' })[] = [...parties, ...staff];
    for (const u of candidates) {
      const id = u._id.toString();
      if (seen.has(id) || !matches(u) || (input.role && !u.roles.includes(input.role))) continue;
      seen.add(id);
      found.push({ id, name: u.name, roles: u.roles, ...(u.side ? { side: u.side } : {}) });
      if (found.length === MAX_RESULTS) break;
    }
    res.json({ users: found });
  });

  return router;
}
