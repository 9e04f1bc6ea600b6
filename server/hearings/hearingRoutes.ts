import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import { HEARING_KINDS, HEARING_ROLES, SIDES, type SessionState } from '../../protocol/hearing.js';
import type { HearingRecord } from '../../protocol/hearingViews.js';
import type { HearingDoc } from './hearingModel.js';
import type { HearingService } from './hearingService.js';
import type { HearingSessions } from './hearingSessions.js';


export const scheduleSchema = z
  .object({
    kind: z.enum(HEARING_KINDS),
    startsAt: z.iso.datetime({ offset: true }),
    participants: z
      .array(
        z
          .object({
            userId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a user id'),
            role: z.enum(HEARING_ROLES),
            side: z.enum(SIDES).optional(),
          })
          .strict(),
      )
      .min(2)
      .max(50),
  })
  .strict();

export const rescheduleSchema = z
  .object({
    startsAt: z.iso.datetime({ offset: true }),
    reason: z.string().trim().min(1, 'say why the time changes').max(500),
  })
  .strict();

function hearingView(h: HearingDoc, liveState?: SessionState): HearingRecord {
  return {
    id: h._id,
    caseId: h.caseId,
    kind: h.kind,
    startsAt: h.startsAt,
    state: liveState ?? h.state,
    participants: h.participants,
    createdAt: h.createdAt,
  };
}

export function hearingRoutes(ctx: AppContext, service: HearingService, sessions: HearingSessions): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['hearings'];

  ctx.api.add({ method: 'post', path: '/api/cases/:id/hearings', summary: 'Schedule a hearing or mediation session (clerk, judge or mediator of the case)', tags, auth: true, body: scheduleSchema, responses: { 201: { description: 'The hearing' }, 403: { description: 'Not staff of this court' }, 409: { description: 'The case is not at a stage for a hearing' } } });
  router.post('/api/cases/:id/hearings', auth, async (req, res) => {
    const input = parseInput(scheduleSchema, req.body);
    const hearing = await service.schedule(currentUser(req), String(req.params.id), input);
    res.status(201).json(hearingView(hearing));
  });

  ctx.api.add({ method: 'get', path: '/api/cases/:id/hearings', summary: 'Hearings of a case', tags, auth: true, responses: { 200: { description: '{ hearings }' } } });
  router.get('/api/cases/:id/hearings', auth, async (req, res) => {
    const hearings = await service.listForCase(currentUser(req), String(req.params.id));
    res.json({ hearings: hearings.map((h) => hearingView(h, sessions.stateOf(h._id))) });
  });

  ctx.api.add({ method: 'get', path: '/api/hearings', summary: 'The hearings and mediation sessions I take part in that have not closed, soonest first', tags, auth: true, responses: { 200: { description: '{ hearings }' } } });
  router.get('/api/hearings', auth, async (req, res) => {
    const hearings = await service.listMine(currentUser(req));
    res.json({ hearings: hearings.map((h) => hearingView(h, sessions.stateOf(h._id))) });
  });

  ctx.api.add({ method: 'get', path: '/api/hearings/:id', summary: 'One hearing, with its case named for the room (case: caseNumber, causeOfAction, parties)', tags, auth: true, responses: { 200: { description: 'The hearing and `case`' }, 404: { description: 'Not visible to you' } } });
  router.get('/api/hearings/:id', auth, async (req, res) => {
    const hearing = await service.get(currentUser(req), String(req.params.id));
    const header = await service.caseHeader(hearing);
    res.json({ ...hearingView(hearing, sessions.stateOf(hearing._id)), ...(header ? { case: header } : {}) });
  });

  ctx.api.add({ method: 'patch', path: '/api/hearings/:id', summary: 'Move a hearing that has not opened to a new time (clerk, judge or mediator); every participant is notified', tags, auth: true, body: rescheduleSchema, responses: { 200: { description: 'The hearing' }, 403: { description: 'Not staff of this court' }, 409: { description: 'The hearing has already opened (HEARING_ALREADY_OPEN)' } } });
  router.patch('/api/hearings/:id', auth, async (req, res) => {
    const input = parseInput(rescheduleSchema, req.body);
    const id = String(req.params.id);
    const hearing = await service.reschedule(currentUser(req), id, input, sessions.stateOf(id));
    res.json(hearingView(hearing, sessions.stateOf(id)));
  });

  ctx.api.add({ method: 'post', path: '/api/hearings/:id/join-token', summary: 'A short-lived token for joining this hearing in your role', tags, auth: true, responses: { 200: { description: '{ token, expiresIn, role, signallingUrl?, galleryUrl? } (with several nodes: signallingUrl is the node to connect the /hearing socket to, galleryUrl the node to only watch from through its /gallery socket)' }, 403: { description: 'Not a participant' } } });
  router.post('/api/hearings/:id/join-token', auth, async (req, res) => {
    res.json(await service.joinToken(currentUser(req), String(req.params.id)));
  });

  return router;
}
