import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import type { CourtSigning } from '../signing/courtSigning.js';
import { signatureOfIssued } from '../signing/signingRoutes.js';
import type { Inbox } from './inbox.js';

const verifyResult = z.object({ genuine: z.boolean() }).loose();

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The recipient's side of electronic service, the link in emails/SMS, and the public verification. */
export function inboxRoutes(ctx: AppContext, inbox: Inbox, signing?: CourtSigning): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['service'];
  const err = (description: string) => ({ description });

  ctx.api.add({ method: 'get', path: '/api/inbox', summary: 'Documents served on me, newest first', tags, auth: true, responses: { 200: { description: '{ items }' } } });
  router.get('/api/inbox', auth, async (req, res) => {
    res.json({ items: await inbox.list(currentUser(req)) });
  });

  ctx.api.add({ method: 'get', path: '/api/inbox/:deliveryId', summary: 'Open a served document (recorded as read)', tags, auth: true, responses: { 200: { description: '{ item }' }, 404: err('DELIVERY_NOT_FOUND (also for other people\'s items)') } });
  router.get('/api/inbox/:deliveryId', auth, async (req, res) => {
    res.json({ item: await inbox.open(currentUser(req), String(req.params.deliveryId)) });
  });

  ctx.api.add({ method: 'post', path: '/api/inbox/:deliveryId/acknowledge', summary: 'Acknowledge receipt of a served document (确认收悉)', tags, auth: true, responses: { 200: { description: '{ item }' }, 404: err('DELIVERY_NOT_FOUND'), 409: err('NOT_AN_INBOX_ITEM, INVALID_STEP') } });
  router.post('/api/inbox/:deliveryId/acknowledge', auth, async (req, res) => {
    res.json({ item: await inbox.acknowledge(currentUser(req), String(req.params.deliveryId)) });
  });

  ctx.api.add({ method: 'get', path: '/api/inbox/:deliveryId/document', summary: 'Download a served document (recorded as read)', tags, auth: true, responses: { 200: { description: 'The file' }, 404: err('DELIVERY_NOT_FOUND') } });
  router.get('/api/inbox/:deliveryId/document', auth, async (req, res) => {
    const file = await inbox.document(currentUser(req), String(req.params.deliveryId));
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('x-content-sha256', file.sha256);
    res.send(file.bytes);
  });

  ctx.api.add({ method: 'get', path: '/s/:token', summary: 'Link sent by email/SMS: records the read receipt and shows a short page', tags, auth: false, responses: { 200: { description: 'HTML page' }, 404: err('LINK_NOT_FOUND') } });
  router.get('/s/:token', async (req, res) => {
    const { service, delivery } = await inbox.followLink(String(req.params.token));
    const title = escapeHtml(service.document.title);
    // The token is in the URL: keep it out of caches and out of Referer headers of the next page.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>电子送达 - ${title}</title></head>
<body><main><h1>电子送达</h1><p>已记录您于此时查阅了《${title}》（${escapeHtml(service.caseNumber)}）。</p>
<p>文书 SHA-256：<code>${escapeHtml(service.document.sha256)}</code></p>
<p><a href="/inbox/${encodeURIComponent(delivery._id)}">登录线上微法庭查看文书并确认收悉</a></p></main></body></html>`);
  });

  ctx.api.add({ method: 'get', path: '/api/verify/:hash', summary: 'Public: is a served document or service receipt with this SHA-256 (file hash or printed fingerprint) genuine? When it is, `signature` reports its PDF signature, certificate chain and timestamp', tags, auth: false, responses: { 200: { description: '{ genuine, ... }', schema: verifyResult }, 400: err('INVALID_HASH') } });
  router.get('/api/verify/:hash', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    const result = await inbox.verify(String(req.params.hash));
    // Beyond the hash: the stored file's digital signature, certificate chain and timestamp.
    const signature = result.genuine && signing ? await signatureOfIssued(ctx.connection, signing, result.sha256) : undefined;
    res.json(signature ? { ...result, signature } : result);
  });

  return router;
}
