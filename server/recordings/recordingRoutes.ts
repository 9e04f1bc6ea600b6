import path from 'node:path';
import { Router } from 'express';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { accessible, type HearingLookup } from './recordingAccess.js';
import { recordingModel, type RecordingDoc } from './recordingModel.js';
import { mediaAccess, privateMedia, sendRecordingFile, verifyRecordingFile } from './recordingFile.js';
import { signStreamToken, STREAM_TOKEN_TTL_SECONDS } from './streamTokens.js';

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

  const playback = mediaAccess(auth, ctx.config.jwtSecret);
  ctx.api.add({ method: 'get', path: '/api/recordings/:id/media', summary: 'The WebM file; supports HTTP Range so players can seek. Authorised by the login token or ?access= from stream-url', tags, auth: true, responses: { 200: { description: 'video/webm' }, 206: { description: 'A byte range' } } });
  router.get('/api/recordings/:id/media', playback, async (req, res, next) => {
    const id = String(req.params.id);
    const rec = req.user ? await load(currentUser(req), id) : await recordings.findById(id).lean<RecordingDoc>().exec();
    if (!rec) throw errors.notFound('The recording', 'RECORDING_NOT_FOUND');
    privateMedia(res);
    if (rec.status !== 'finalised') throw errors.invalidState('This recording is still being written.', 'RECORDING_IN_PROGRESS');
    sendRecordingFile(res, next, path.join(ctx.config.recordingsDir, rec.file), rec);
  });

  ctx.api.add({ method: 'get', path: '/api/recordings/:id/verify', summary: 'Re-hash the file and compare with the stored SHA-256', tags, auth: true, responses: { 200: { description: '{ valid, sha256, storedSha256 }' } } });
  router.get('/api/recordings/:id/verify', auth, async (req, res) => {
    const rec = await load(currentUser(req), String(req.params.id));
    if (rec.status !== 'finalised' || !rec.sha256) throw errors.invalidState('This recording is still being written.', 'RECORDING_IN_PROGRESS');
    res.json(await verifyRecordingFile(path.join(ctx.config.recordingsDir, rec.file), { sha256: rec.sha256, ...(rec.size !== undefined ? { size: rec.size } : {}) }));
  });
  return router;
}
