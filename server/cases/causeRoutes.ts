import { Router } from 'express';
import { CAUSES_OF_ACTION } from '../../state-machines/rules/data/causesOfAction.js';
import type { AppContext } from '../context.js';

/** GET /api/causes: the civil causes of action (民事案件案由规定) a filing picks from; public, it is the law. */
export function causeRoutes(ctx: AppContext): Router {
  const router = Router();
  ctx.api.add({ method: 'get', path: '/api/causes', summary: 'Civil causes of action (民事案件案由规定 2020): code, level 1-4, parent, zh and en names, and whether a filing may name it', tags: ['cases'], auth: false, responses: { 200: { description: '{ causes: [{ code, level, parent?, zh, en, fileable }] }' } } });
  const body = { causes: CAUSES_OF_ACTION.map((c) => ({ ...c, fileable: c.level >= 2 })) };
  router.get('/api/causes', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').json(body);
  });
  return router;
}
