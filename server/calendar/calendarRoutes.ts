import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import type { CalendarService } from './calendarService.js';

const yearParam = z.object({ year: z.coerce.number().int().min(1901).max(2099) });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');
const arrangementSchema = z
  .object({
    restDays: z.array(date).min(1).max(120),
    workdays: z.array(date).max(40),
    source: z.string().trim().min(1).max(200),
  })
  .strict();

/**
 * The court calendar: anyone may read a year (which days count, whether the year is
 * confirmed); only a platform administrator enters a year's State Council arrangement.
 */
export function calendarRoutes(ctx: AppContext, calendar: CalendarService): Router {
  const router = Router();
  const tags = ['calendar'];
  const auth = authenticate(ctx);
  const err = (description: string) => ({ description });

  ctx.api.add({ method: 'get', path: '/api/calendar/:year', summary: "A year's statutory holidays, its arrangement (rest days, adjusted working days) and whether it is confirmed or provisional", tags, auth: false, responses: { 200: { description: '{ year, status: shipped|entered|provisional, provisional, statutoryHolidays, restDays?, workdays?, source? }' }, 400: err('Year outside 1901-2099') } });
  router.get('/api/calendar/:year', async (req, res) => {
    const { year } = parseInput(yearParam, req.params, 'CALENDAR_YEAR_OUT_OF_RANGE');
    res.json(await calendar.year(year));
  });

  ctx.api.add({ method: 'put', path: '/api/admin/calendar/:year', summary: "Enter or replace a year's State Council holiday arrangement (admin); open deadlines are recounted and parties told of any that move", tags, auth: true, body: arrangementSchema, responses: { 200: { description: '{ year, seq, movedCases }' }, 400: err('Invalid arrangement (CALENDAR_* codes)'), 403: err('Not an administrator'), 409: err('CALENDAR_CHANGED: concurrent change') } });
  router.put('/api/admin/calendar/:year', auth, requireRole('admin'), async (req, res) => {
    const { year } = parseInput(yearParam, req.params, 'CALENDAR_YEAR_OUT_OF_RANGE');
    const body = parseInput(arrangementSchema, req.body);
    res.json(await calendar.enter(currentUser(req), { year, ...body }));
  });

  ctx.api.add({ method: 'get', path: '/api/admin/calendar/log', summary: 'Every arrangement change (who, when, before/after), hash-chained, with its verification (admin)', tags, auth: true, responses: { 200: { description: '{ verification: { valid, entries, firstInvalid? }, entries: [...] }' }, 403: err('Not an administrator') } });
  router.get('/api/admin/calendar/log', auth, requireRole('admin'), async (_req, res) => {
    res.json(await calendar.history());
  });
  return router;
}
