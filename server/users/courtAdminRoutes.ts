/**
 * Courts and their settings. Anyone may list the courts (the filing form offers them); a
 * platform administrator (role admin without a court) creates courts; a court administrator
 * (role admin of a court) manages that court's settings: names, court code (法院代字), the payee
 * account for fees, contact details. Every change is in the hash-chained admin log (adminAudit.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import { validateCourtCodeShape } from '../../state-machines/rules/caseNumber.js';
import { DEFAULT_COURT_FEE_CONFIG } from '../../state-machines/rules/fees.js';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AuthUser } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { courtModel, listCourts, toCourt, toStoredFeeConfig, type Court, type CourtDoc } from '../courts/courtModel.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { AdminAudit, PLATFORM_CHAIN } from './adminAudit.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const courtCode = text(20).refine(validateCourtCodeShape, 'must be a court code such as 京0105');
const payeeSchema = z.object({ accountName: text(100), bank: text(100), accountNumber: z.string().trim().regex(/^[0-9 -]{6,40}$/, 'must be an account number (digits, spaces, hyphens)') }).strict();
const contactSchema = z
  .object({ phone: z.string().trim().regex(/^[0-9+() -]{5,30}$/, 'must be a telephone number').optional(), address: text(200).optional(), email: z.email().max(254).optional() })
  .strict();

const settingsSchema = z.object({ nameZh: text(100).optional(), nameEn: text(200).optional(), code: courtCode.optional(), payee: payeeSchema.optional(), contact: contactSchema.optional() }).strict();
const newCourtSchema = z.object({ id: z.string().trim().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lowercase letters, digits and hyphens, e.g. sh-pudong'), code: courtCode, nameZh: text(100), nameEn: text(200) }).strict();

function requireCourtAdmin(user: AuthUser): string {
  if (!user.courtId || !user.roles.includes('admin')) throw errors.forbidden('Only a court administrator manages the court.', 'NOT_COURT_ADMIN');
  return user.courtId;
}

function requirePlatformAdmin(user: AuthUser): void {
  if (user.courtId || !user.roles.includes('admin')) throw errors.forbidden('Only a platform administrator creates courts.', 'NOT_PLATFORM_ADMIN');
}

const settingsView = (c: Court) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, ...(c.payee ? { payee: c.payee } : {}), ...(c.contact ? { contact: c.contact } : {}) });

export function courtAdminRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const audit = new AdminAudit(ctx.connection);
  const courts = courtModel(ctx.connection);
  const tags = ['admin'];
  const own = async (courtId: string): Promise<Court> => {
    const court = toCourt(await courts.findById(courtId).lean<CourtDoc>().exec());
    if (!court) throw errors.notFound('The court', 'COURT_NOT_FOUND');
    return court;
  };
  const duplicateCode = (err: unknown) => (err as { code?: number }).code === 11000;

  ctx.api.add({ method: 'get', path: '/api/courts', summary: 'The courts of the platform (the filing form offers them)', tags: ['courts'], auth: false, responses: { 200: { description: '{ courts: [{ id, code, nameZh, nameEn }] }' } } });
  router.get('/api/courts', async (_req, res) => {
    res.json({ courts: (await listCourts(ctx.connection)).map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn })) });
  });

  ctx.api.add({ method: 'post', path: '/api/admin/courts', summary: 'Platform administrator: create a court (id, court code, names); its fees start at the statutory defaults', tags, auth: true, body: newCourtSchema, responses: { 201: { description: '{ court }' }, 403: { description: 'NOT_PLATFORM_ADMIN' }, 409: { description: 'COURT_EXISTS' } } });
  router.post('/api/admin/courts', auth, async (req, res) => {
    const admin = currentUser(req);
    requirePlatformAdmin(admin);
    const input = parseInput(newCourtSchema, req.body);
    await courts.init();
    if ((await courts.exists({ $or: [{ _id: input.id }, { code: input.code }] })) !== null) throw errors.conflict('A court with this id or court code exists.', 'COURT_EXISTS');
    const doc: CourtDoc = { _id: input.id, code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, feeConfig: toStoredFeeConfig(DEFAULT_COURT_FEE_CONFIG), createdAt: new Date().toISOString() };
    try {
      await courts.create(doc);
    } catch (err) {
      if (duplicateCode(err)) throw errors.conflict('A court with this id or court code exists.', 'COURT_EXISTS');
      throw err;
    }
    const court = await own(input.id);
    await audit.record(PLATFORM_CHAIN, { type: 'COURT_CREATED', actor: { userId: admin.id, name: admin.name }, subject: { kind: 'court', id: input.id }, before: null, after: settingsView(court) });
    res.status(201).json({ court: settingsView(court) });
  });

  ctx.api.add({ method: 'get', path: '/api/admin/court', summary: "Court administrator: the court's settings (names, court code, payee account, contact)", tags, auth: true, responses: { 200: { description: '{ court }' }, 403: { description: 'NOT_COURT_ADMIN' } } });
  router.get('/api/admin/court', auth, async (req, res) => {
    res.json({ court: settingsView(await own(requireCourtAdmin(currentUser(req)))) });
  });

  ctx.api.add({ method: 'put', path: '/api/admin/court', summary: "Court administrator: change the court's settings (any of nameZh, nameEn, code, payee, contact); audited with the values before and after", tags, auth: true, body: settingsSchema, responses: { 200: { description: '{ court }' }, 400: { description: 'VALIDATION_FAILED' }, 403: { description: 'NOT_COURT_ADMIN' }, 409: { description: 'COURT_CODE_TAKEN' } } });
  router.put('/api/admin/court', auth, async (req, res) => {
    const admin = currentUser(req);
    const courtId = requireCourtAdmin(admin);
    const input = parseInput(settingsSchema, req.body);
    const before = await own(courtId);
    if (input.code && input.code !== before.code && (await courts.exists({ code: input.code, _id: { $ne: courtId } })) !== null) {
      throw errors.conflict('Another court has this court code.', 'COURT_CODE_TAKEN');
    }
    try {
      await courts.updateOne({ _id: courtId }, { $set: input }).exec();
    } catch (err) {
      if (duplicateCode(err)) throw errors.conflict('Another court has this court code.', 'COURT_CODE_TAKEN');
      throw err;
    }
    const after = await own(courtId);
    await audit.record(courtId, { type: 'COURT_SETTINGS_CHANGED', actor: { userId: admin.id, name: admin.name }, subject: { kind: 'court', id: courtId }, before: settingsView(before), after: settingsView(after) });
    res.json({ court: settingsView(after) });
  });

  ctx.api.add({ method: 'get', path: '/api/admin/audit', summary: "Administrator: the hash-chained log of administration (the court's, or the platform's for a platform administrator): who, when, before and after, with its verification", tags, auth: true, responses: { 200: { description: '{ verification: { valid, entries, firstInvalid? }, entries }' }, 403: { description: 'NOT_COURT_ADMIN' } } });
  router.get('/api/admin/audit', auth, async (req, res) => {
    const user = currentUser(req);
    if (!user.roles.includes('admin')) throw errors.forbidden('Only an administrator reads the administration log.', 'NOT_COURT_ADMIN');
    res.json(await audit.history(user.courtId ?? PLATFORM_CHAIN));
  });

  return router;
}
