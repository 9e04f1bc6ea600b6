import { Router } from 'express';
import type { AppContext } from '../context.js';
import { authRoutes } from '../auth/authRoutes.js';

/** Every API router, in mount order, and the OpenAPI document they describe. */
export function apiRouters(context: AppContext): Router[] {
  const routers: Router[] = [];
  const openapi = Router();
  openapi.get('/api/openapi.json', (_req, res) => {
    res.json(context.api.document());
  });
  routers.push(openapi);
  routers.push(authRoutes(context));
  return routers;
}
