import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import type { AppContext } from '../context.js';
import { AppError, errors } from '../errors.js';
import { sha256File } from './probe.js';
import { recordingModel, type RecordingDoc } from './recordingModel.js';
import { signStreamToken, STREAM_TOKEN_TTL_SECONDS, verifyStreamToken } from './streamTokens.js';

const HEARING_ROLES_THAT_MAY_PLAY = new Set(['judge', 'clerk', 'mediator', 'party', 'representative']);
const COURT_ROLES_THAT_MAY_PLAY = ['judge', 'clerk'] as const;

/**
 * Recordings are for the judge and the clerk of the court, the parties of the
 * case and the people who took part in that hearing (e.g. its mediator);
 * anyone else gets 404, so whether a recording exists is not disclosed either.
 */
async function accessible(hearings: HearingLookup, cases: CaseService, user: AuthUser, rec: RecordingDoc): Promise<boolean> {
  const hearing = await hearings.load(rec.hearingId);
  if (!hearing) return false;
  if (hearing.participants.some((p) => p.userId === user.id && HEARING_ROLES_THAT_MAY_PLAY.has(p.role))) return true;
  if (user.courtId === hearing.courtId && COURT_ROLES_THAT_MAY_PLAY.some((r) => user.roles.includes(r))) return true;
  try {
    return (await cases.get(user, rec.caseId)).filerId === user.id;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'notFound') return false;
    throw err;
  }
}

function view(rec: RecordingDoc) {
  return {
    id: rec._id,
    hearingId: rec.hearingId,
    caseId: rec.caseId,
    participantId: rec.participantId,
    participantName: rec.participantName,
    segment: rec.segment,
    status: rec.status,
    startedAt: rec.startedAt,
    endedAt: rec.endedAt,
    sha256: rec.sha256,
    size: rec.size,
    durationSeconds: rec.durationSeconds,
    codecs: rec.codecs,
    clean: rec.clean,
    ...(rec.interrupted ? { interrupted: true } : {}),
  };
}

/**
 * Who took part in a hearing, read through the hearing service (hearings/hearingService.ts)
 * that app.ts hands in: hearings/ records through recordings/, so recordings/ does not import it.
 */
export interface HearingLookup {
  load(hearingId: string): Promise<{ courtId: string; participants: { userId: string; role: string }[] } | null>;
}

export function recordingRoutes(ctx: AppContext, cases: CaseService, hearings: HearingLookup): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const recordings = recordingModel(ctx.connection);
  const tags = ['recordings'];
  const load = async (user: AuthUser, id: string): Promise<RecordingDoc> => {
    const rec = await recordings.findById(id).lean<RecordingDoc>().exec();
    if (!rec || !(await accessible(hearings, cases, user, rec))) throw errors.notFound('The recording', 'RECORDING_NOT_FOUND');
    return rec;
  };

  ctx.api.add({ method: 'get', path: '/api/cases/:id/recordings', summary: 'Recordings of the hearings of a case', tags, auth: true, responses: { 200: { description: '{ recordings }' } } });
  router.get('/api/cases/:id/recordings', auth, async (req, res) => {
    await cases.get(currentUser(req), String(req.params.id));
    const list = await recordings.find({ caseId: String(req.params.id) }).sort({ startedAt: 1 }).lean<RecordingDoc[]>().exec();
    res.json({ recordings: list.map(view) });
  });

  ctx.api.add({ method: 'get', path: '/api/recordings/:id', summary: 'One recording segment: participant, times, SHA-256, size, duration, codecs', tags, auth: true, responses: { 200: { description: 'The recording' }, 404: { description: 'Not yours to see' } } });
  router.get('/api/recordings/:id', auth, async (req, res) => {
    res.json(view(await load(currentUser(req), String(req.params.id))));
  });

  ctx.api.add({ method: 'post', path: '/api/recordings/:id/stream-url', summary: 'A playback URL for a <video> element: this recording only, valid for 5 minutes', tags, auth: true, responses: { 200: { description: '{ url, expiresIn }' }, 404: { description: 'Not yours to see' } } });
  router.post('/api/recordings/:id/stream-url', auth, async (req, res) => {
    const user = currentUser(req);
    const rec = await load(user, String(req.params.id));
    if (rec.status !== 'finalised') throw errors.invalidState('This recording is still being written.', 'RECORDING_IN_PROGRESS');
    const token = signStreamToken(user.id, rec._id, ctx.config.jwtSecret);
    res.json({ url: `/api/recordings/${encodeURIComponent(rec._id)}/media?access=${token}`, expiresIn: STREAM_TOKEN_TTL_SECONDS });
  });

  // Either the login token (header) or a playback token from stream-url (query `access`, checked when it was issued).
  const mediaAccess: RequestHandler = (req, res, next) => {
    if (typeof req.query.access !== 'string') {
      auth(req, res, next);
      return;
    }
    try {
      verifyStreamToken(req.query.access, String(req.params.id), ctx.config.jwtSecret);
      next();
    } catch (err) {
      next(err);
    }
  };
  ctx.api.add({ method: 'get', path: '/api/recordings/:id/media', summary: 'The WebM file; supports HTTP Range so players can seek. Authorised by the login token or ?access= from stream-url', tags, auth: true, responses: { 200: { description: 'video/webm' }, 206: { description: 'A byte range' } } });
  router.get('/api/recordings/:id/media', mediaAccess, async (req, res, next) => {
    const id = String(req.params.id);
    const rec = req.user ? await load(currentUser(req), id) : await recordings.findById(id).lean<RecordingDoc>().exec();
    if (!rec) throw errors.notFound('The recording', 'RECORDING_NOT_FOUND');
    // The URL carries a credential: keep it out of shared caches and referrers.
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    if (rec.status !== 'finalised') throw errors.invalidState('This recording is still being written.', 'RECORDING_IN_PROGRESS');
    res.setHeader('x-content-sha256', rec.sha256 ?? '');
    res.sendFile(path.join(ctx.config.recordingsDir, rec.file), { acceptRanges: true, headers: { 'content-type': 'video/webm' } }, (err) => {
      if (!err || res.headersSent) return;
      // send() reports an unsatisfiable Range as status 416; only a missing file is a 404.
      if ((err as { status?: number }).status === 416) {
        res.setHeader('content-range', `bytes */${rec.size ?? '*'}`);
        return next(errors.rangeNotSatisfiable('The requested byte range is outside the recording.'));
      }
      next(errors.notFound('The recording file', 'RECORDING_FILE_MISSING'));
    });
  });

  ctx.api.add({ method: 'get', path: '/api/recordings/:id/verify', summary: 'Re-hash the file and compare with the stored SHA-256', tags, auth: true, responses: { 200: { description: '{ valid, sha256, storedSha256 }' } } });
  router.get('/api/recordings/:id/verify', auth, async (req, res) => {
    const rec = await load(currentUser(req), String(req.params.id));
    if (rec.status !== 'finalised' || !rec.sha256) throw errors.invalidState('This recording is still being written.', 'RECORDING_IN_PROGRESS');
    const actual = await sha256File(path.join(ctx.config.recordingsDir, rec.file)).catch(() => undefined);
    res.json({
      valid: actual?.sha256 === rec.sha256 && actual?.size === rec.size,
      storedSha256: rec.sha256,
      sha256: actual?.sha256 ?? null,
      size: actual?.size ?? null,
      storedSize: rec.size,
    });
  });
  return router;
}
