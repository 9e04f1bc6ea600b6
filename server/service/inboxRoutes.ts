import fs from 'node:fs';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import type { CourtSigning } from '../signing/courtSigning.js';
import { signatureOfIssued } from '../signing/signingRoutes.js';
import { parseInput } from '../http/validate.js';
import type { Inbox } from './inbox.js';

const openSchema = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits').optional() }).strict();

const verifyResult = z.object({ genuine: z.boolean() }).loose();

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The recipient's side of electronic service, the link in emails/SMS, and the public verification. */
export function inboxRoutes(ctx: AppContext, inbox: Inbox, signing?: CourtSigning): Router {
  const router = Router();
  const auth = authenticate(ctx);
  // The link page works with or without login: a bearer token, if sent, must be valid.
  const optionalAuth: RequestHandler = (req, res, next) => (req.headers.authorization ? auth(req, res, next) : next());
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

  ctx.api.add({ method: 'get', path: '/s/:token', summary: 'Link sent by email/SMS: shows a page (the client\'s link page); records nothing', tags, auth: false, responses: { 200: { description: 'HTML page' }, 404: err('LINK_NOT_FOUND') } });
  router.get('/s/:token', async (req, res) => {
    const info = await inbox.linkInfo(String(req.params.token));
    // The token is in the URL: keep it out of caches and out of Referer headers of the next page.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    const indexHtml = path.join(ctx.config.clientDistDir, 'index.html');
    if (fs.existsSync(indexHtml)) return res.sendFile(indexHtml);
    const title = escapeHtml(info.title);
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>电子送达 Electronic service - ${title}</title></head>
<body><main><h1>电子送达 · Electronic service</h1><p>${escapeHtml(info.court)}向您送达《${title}》，案号${escapeHtml(info.caseNumber)}。</p>
<p>${escapeHtml(info.court)} served "${title}" (case ${escapeHtml(info.caseNumber)}) on you.</p>
<p>请登录或输入随链接发送的查阅码后查阅文书。Log in, or enter the one-time code sent with the link, to open the document.</p></main></body></html>`);
  });

  ctx.api.add({ method: 'get', path: '/api/links/:token', summary: 'Public: what an email/SMS service link is for (title, case number, court); records nothing', tags, auth: false, responses: { 200: { description: '{ link }' }, 404: err('LINK_NOT_FOUND') } });
  router.get('/api/links/:token', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ link: await inbox.linkInfo(String(req.params.token)) });
  });

  ctx.api.add({ method: 'post', path: '/api/links/:token/open', summary: 'Open the served document from an email/SMS link: as the logged-in recipient, or with the one-time code (used once). Records the read.', tags, auth: false, body: openSchema, responses: { 200: { description: 'The PDF' }, 400: err('WRONG_CODE'), 401: err('CODE_REQUIRED'), 403: err('LINK_NOT_YOURS'), 404: err('LINK_NOT_FOUND'), 409: err('LINK_ALREADY_USED'), 429: err('LINK_LOCKED') } });
  router.post('/api/links/:token/open', optionalAuth, async (req, res) => {
    const input = parseInput(openSchema, req.body ?? {});
    const file = await inbox.openLink(String(req.params.token), req.user, input.code);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('x-content-sha256', file.sha256);
    res.send(file.bytes);
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
