import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser, requireRole } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { COURT_DOCUMENT_KINDS } from '../documents/courtDocuments.js';
import { parseInput } from '../http/validate.js';
import type { ElectronicService } from './electronicService.js';
import { recordOfflineService } from './offlineRecording.js';

const userId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id');
const channel = z.enum(['inbox', 'email', 'sms']);

const addressSchema = z
  .object({ channel, value: z.string().trim().min(1).max(320), confirmedByRecipient: z.boolean() })
  .strict();

export const consentSchema = z
  .object({
    userId,
    ground: z.enum(['A', 'B', 'C', 'D']),
    channel: z.enum(['phone', 'platform', 'written']),
    addresses: z.array(addressSchema).min(1).max(10),
    evidenceRef: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

const revokeSchema = z.object({ userId }).strict();
const consentQuery = z.object({ userId: userId.optional() }).strict();

const courtDocumentSchema = z
  .object({
    kind: z.enum(COURT_DOCUMENT_KINDS),
    hearingId: z.string().min(1).max(100).optional(),
    addressees: z.array(z.string().trim().min(1).max(100)).min(1).max(20).optional(),
  })
  .strict();

export const serveSchema = z
  .object({
    document: z.union([
      z.object({ kind: z.enum(COURT_DOCUMENT_KINDS), hearingId: z.string().min(1).max(100).optional() }).strict(),
      z.object({ documentId: z.string().min(1).max(100) }).strict(),
    ]),
    recipients: z
      .array(z.object({ userId, side: z.enum(['plaintiff', 'defendant', 'other']).optional() }).strict())
      .min(1)
      .max(20),
    channels: z
      .array(channel)
      .min(1)
      .max(3)
      .refine((c) => new Set(c).size === c.length, 'list each channel once'),
  })
  .strict();

const documentRef = z.union([
  z.object({ kind: z.enum(COURT_DOCUMENT_KINDS), hearingId: z.string().min(1).max(100).optional() }).strict(),
  z.object({ documentId: z.string().min(1).max(100) }).strict(),
]);

export const offlineSchema = z
  .object({
    document: documentRef,
    recipient: z.object({ userId, side: z.enum(['plaintiff', 'defendant', 'other']).optional() }).strict(),
    method: z.enum(['post', 'inPerson', 'leftAtResidence']),
    servedAt: z.iso.datetime({ offset: true }),
    proof: z.object({ filename: z.string().trim().min(1).max(200), contentBase64: z.string().min(4).max(1_000_000).regex(/^[A-Za-z0-9+/=\s]+$/, 'base64') }).strict(),
    note: z.string().trim().min(1).max(2000).optional(),
    refusal: z.object({ reason: z.string().trim().min(1).max(2000), witness: z.string().trim().min(1).max(200).optional() }).strict().optional(),
  })
  .strict();

const rebuttalSchema = z
  .object({ provenArrivalAt: z.iso.datetime({ offset: true }), note: z.string().trim().min(1).max(2000).optional() })
  .strict();

/** The court's side of electronic service: consent, court documents, serving, rebuttals, proof. */
export function serviceRoutes(ctx: AppContext, service: ElectronicService): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['service'];
  const err = (description: string) => ({ description });

  ctx.api.add({ method: 'put', path: '/api/cases/:id/service-consent', summary: 'Record consent to electronic service and the addresses for it (the party on the platform, or a clerk recording a phone/written confirmation); a new version each time', tags, auth: true, body: consentSchema, responses: { 200: { description: '{ consent }' }, 400: err('CONSENT_INVALID, CONSENT_CHANNEL_MISMATCH, INBOX_ADDRESS_NOT_OWN, UNKNOWN_USER'), 403: err('NOT_YOUR_CONSENT, NOT_CLERK_OF_COURT'), 404: err('CASE_NOT_FOUND') } });
  router.put('/api/cases/:id/service-consent', auth, async (req, res) => {
    const input = parseInput(consentSchema, req.body);
    res.json({ consent: await service.putConsent(currentUser(req), String(req.params.id), input) });
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/service-consent', summary: 'Consent versions (staff: every recipient, or ?userId=; a party: their own)', tags, auth: true, query: consentQuery, responses: { 200: { description: '{ current, versions }' }, 404: err('CASE_NOT_FOUND') } });
  router.get('/api/cases/:id/service-consent', auth, async (req, res) => {
    const query = parseInput(consentQuery, req.query);
    res.json(await service.consentHistory(currentUser(req), String(req.params.id), query.userId));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/service-consent/revoke', summary: 'Revoke consent to electronic service (a new version with revokedAt)', tags, auth: true, body: revokeSchema, responses: { 200: { description: '{ consent }' }, 409: err('NO_ACTIVE_CONSENT') } });
  router.post('/api/cases/:id/service-consent/revoke', auth, async (req, res) => {
    const input = parseInput(revokeSchema, req.body);
    res.json({ consent: await service.revokeConsent(currentUser(req), String(req.params.id), input.userId) });
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/court-documents', summary: 'Clerk: issue a court document (受理通知书, 交纳诉讼费用通知书, 举证通知书, 传票) as a PDF filed into the case', tags, auth: true, body: courtDocumentSchema, responses: { 201: { description: '{ document }' }, 400: err('HEARING_REQUIRED'), 404: err('HEARING_NOT_FOUND'), 409: err('CASE_NOT_DOCKETED, NO_FEE'), 503: err('FONT_UNAVAILABLE') } });
  router.post('/api/cases/:id/court-documents', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(courtDocumentSchema, req.body);
    res.status(201).json({ document: await service.issueCourtDocument(currentUser(req), String(req.params.id), input) });
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/service', summary: 'Clerk: serve a court document (generated now) or a document on file on recipients over inbox, email and/or SMS', tags, auth: true, body: serveSchema, responses: { 201: { description: '{ service } with per-recipient deliveries and effect' }, 400: err('RECIPIENT_NOT_A_PARTY, UNKNOWN_RECIPIENT, DUPLICATE_RECIPIENT, HEARING_REQUIRED, DOCUMENT_NOT_FOR_RECIPIENT'), 403: err('NOT_CLERK_OF_COURT'), 404: err('CASE_NOT_FOUND, DOCUMENT_NOT_FOUND, HEARING_NOT_FOUND'), 409: err('CASE_NOT_DOCKETED, NO_SERVICE_CONSENT, SERVICE_CONSENT_REVOKED, CHANNEL_NOT_CONSENTED (details.alternatives: consentRequest, post, inPerson)') } });
  router.post('/api/cases/:id/service', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(serveSchema, req.body);
    res.status(201).json({ service: await service.serve(currentUser(req), String(req.params.id), input) });
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/service-options', summary: 'Clerk: who can be served on this case and by which channels; an unavailable channel says why (NO_SERVICE_CONSENT, SERVICE_CONSENT_REVOKED, CHANNEL_NOT_CONSENTED, MAIL_UNAVAILABLE) and the alternatives', tags, auth: true, responses: { 200: { description: '{ mailAvailable, alternatives, recipients: [{ userId, name, side, consent, channels: [{ channel, available, address?, reason? }] }] }' }, 403: err('NOT_CLERK_OF_COURT'), 404: err('CASE_NOT_FOUND') } });
  router.get('/api/cases/:id/service-options', auth, requireRole('clerk'), async (req, res) => {
    res.json(await service.serviceOptions(currentUser(req), String(req.params.id)));
  });

  ctx.api.add({ method: 'post', path: '/api/cases/:id/service/offline', summary: 'Clerk: record service by post (effective on the return-receipt date, CPL Art. 91), in person (signature date, Art. 88) or left at the residence (Art. 89), with the proof uploaded (base64 PDF/PNG/JPEG)', tags, auth: true, body: offlineSchema, responses: { 201: { description: '{ service }' }, 400: err('SERVED_AT_IN_FUTURE, REFUSAL_REQUIRED, UNKNOWN_RECIPIENT, RECIPIENT_NOT_A_PARTY, EMPTY_FILE'), 403: err('NOT_CLERK_OF_COURT'), 404: err('CASE_NOT_FOUND, DOCUMENT_NOT_FOUND'), 415: err('UNSUPPORTED_FILE_TYPE') } });
  router.post('/api/cases/:id/service/offline', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(offlineSchema, req.body);
    res.status(201).json({ service: await recordOfflineService(service, currentUser(req), String(req.params.id), input) });
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/service', summary: 'Services on a case (staff: all; a party: those served on them)', tags, auth: true, responses: { 200: { description: '{ services }' }, 404: err('CASE_NOT_FOUND') } });
  router.get('/api/cases/:id/service', auth, async (req, res) => {
    res.json({ services: await service.listForCase(currentUser(req), String(req.params.id)) });
  });

  ctx.api.add({ method: 'get', path: '/api/service/:serviceId', summary: 'Staff: one service with every delivery step and the effect per recipient', tags, auth: true, responses: { 200: { description: '{ service }' }, 404: err('SERVICE_NOT_FOUND') } });
  router.get('/api/service/:serviceId', auth, async (req, res) => {
    res.json({ service: await service.get(currentUser(req), String(req.params.serviceId)) });
  });

  ctx.api.add({ method: 'get', path: '/api/service/:serviceId/log/verify', summary: 'Staff: recompute the hash chain of the delivery log', tags, auth: true, responses: { 200: { description: '{ valid, entries, firstInvalid? }' }, 404: err('SERVICE_NOT_FOUND') } });
  router.get('/api/service/:serviceId/log/verify', auth, async (req, res) => {
    res.json(await service.verifyLog(currentUser(req), String(req.params.serviceId)));
  });

  ctx.api.add({ method: 'post', path: '/api/service/:serviceId/recipients/:userId/rebuttal', summary: 'Clerk: record the arrival time the recipient proved (C7 Art. 135); the effective time is recomputed', tags, auth: true, body: rebuttalSchema, responses: { 200: { description: '{ service }' }, 400: err('REBUTTAL_IN_FUTURE, REBUTTAL_INVALID'), 403: err('NOT_CLERK_OF_COURT'), 404: err('SERVICE_NOT_FOUND, RECIPIENT_NOT_FOUND'), 409: err('REBUTTAL_NOT_APPLICABLE') } });
  router.post('/api/service/:serviceId/recipients/:userId/rebuttal', auth, requireRole('clerk'), async (req, res) => {
    const input = parseInput(rebuttalSchema, req.body);
    res.json({ service: await service.rebut(currentUser(req), String(req.params.serviceId), String(req.params.userId), input) });
  });

  return router;
}
