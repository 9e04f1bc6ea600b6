import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import { notificationView } from './notificationModel.js';
import type { NotificationService } from './notificationService.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    // Paging cursor: the createdAt of the last notification already shown.
    before: z.iso.datetime().optional(),
  })
  .strict();

export const settingsSchema = z
  .object({
    email: z.email('must be an email address').max(254).optional(),
    language: z.enum(['zh', 'en']),
  })
  .strict();

const emailOutcome = z.object({
  status: z.enum(['sent', 'failed', 'none', 'pending']),
  at: z.string(),
  error: z.string().optional(),
  messageId: z.string().optional(),
});
export const notificationViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  caseId: z.string().optional(),
  titleZh: z.string(),
  titleEn: z.string(),
  bodyZh: z.string(),
  bodyEn: z.string(),
  link: z.string().optional(),
  createdAt: z.string(),
  read: z.boolean(),
  readAt: z.string().optional(),
  email: emailOutcome,
});
const listResponse = z.object({ notifications: z.array(notificationViewSchema), unread: z.number().int(), total: z.number().int(), more: z.boolean() });
const idParam = z.string().min(1).max(200);

export function notificationRoutes(ctx: AppContext, service: NotificationService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['notifications'];

  ctx.api.add({
    method: 'get',
    path: '/api/notifications',
    summary: 'Your notifications, newest first, with the number unread and in all; page with limit and before (the createdAt of the last one shown) while more is true',
    tags,
    auth: true,
    query: listQuery,
    responses: { 200: { description: '{ notifications, unread, total, more }', schema: listResponse } },
  });
  router.get('/api/notifications', auth, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    const page = await service.list(currentUser(req).id, query.before ? { limit: query.limit, before: query.before } : { limit: query.limit });
    res.json({ notifications: page.notifications.map(notificationView), unread: page.unread, total: page.total, more: page.more });
  });

  ctx.api.add({
    method: 'post',
    path: '/api/notifications/read-all',
    summary: 'Mark all your notifications read',
    tags,
    auth: true,
    responses: { 200: { description: '{ marked, unread: 0 }' } },
  });
  router.post('/api/notifications/read-all', auth, async (req, res) => {
    const marked = await service.markAllRead(currentUser(req).id);
    res.json({ marked, unread: 0 });
  });

  ctx.api.add({
    method: 'get',
    path: '/api/notifications/settings',
    summary: 'Your notification settings: email address (optional) and language',
    tags,
    auth: true,
    responses: { 200: { description: 'The settings', schema: settingsSchema } },
  });
  router.get('/api/notifications/settings', auth, async (req, res) => {
    res.json(await service.getSettings(currentUser(req).id));
  });

  ctx.api.add({
    method: 'put',
    path: '/api/notifications/settings',
    summary: 'Replace your notification settings (leave out email to stop emails)',
    tags,
    auth: true,
    body: settingsSchema,
    responses: { 200: { description: 'The settings', schema: settingsSchema }, 400: { description: 'Not an email address or unknown language' } },
  });
  router.put('/api/notifications/settings', auth, async (req, res) => {
    const input = parseInput(settingsSchema, req.body);
    res.json(await service.saveSettings(currentUser(req).id, input));
  });

  ctx.api.add({
    method: 'post',
    path: '/api/notifications/:id/read',
    summary: 'Mark one of your notifications read',
    tags,
    auth: true,
    responses: { 200: { description: 'The notification', schema: notificationViewSchema }, 404: { description: 'No such notification of yours' } },
  });
  router.post('/api/notifications/:id/read', auth, async (req, res) => {
    const id = parseInput(idParam, req.params.id);
    res.json(notificationView(await service.markRead(currentUser(req).id, id)));
  });

  return router;
}
