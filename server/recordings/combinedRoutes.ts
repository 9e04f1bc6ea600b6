import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { authenticate, currentUser } from '../auth/middleware.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { combinedJobView, type CombinedFiles } from './combinedFiles.js';
import type { CombinedJobDoc } from './combinedJobModel.js';
import { accessible, type HearingLookup } from './recordingAccess.js';
import { mediaAccess, privateMedia, sendRecordingFile, verifyRecordingFile } from './recordingFile.js';
import { signStreamToken, STREAM_TOKEN_TTL_SECONDS } from './streamTokens.js';

const idSchema = z.string().min(1).max(100);
const err = (codes: string) => ({ description: `{ error: { code, message } }: ${codes}` });

/**
 * The combined file of a hearing: asked for by anyone who may play its recordings, built in the
 * background (server/recordings/combinedFiles.ts), then played, downloaded and verified like
 * every recording. The per-participant originals are only read.
 */
export function combinedRoutes(ctx: AppContext, cases: CaseService, hearings: HearingLookup, combined: CombinedFiles): Router {
  const router = Router();
  const auth = authenticate(ctx);
  const tags = ['recordings'];
  const base = '/api/hearings/:id/recordings/combined';

  const hearingFor = async (user: AuthUser, hearingId: string) => {
    const hearing = await hearings.load(parseInput(idSchema, hearingId));
    if (!hearing || !(await accessible(hearings, cases, user, { hearingId, caseId: hearing.caseId }))) throw errors.notFound('The hearing', 'HEARING_NOT_FOUND');
    return hearing;
  };
  const jobFor = async (hearingId: string, jobId: string): Promise<CombinedJobDoc> => {
    const job = await combined.jobs.findOne({ _id: parseInput(idSchema, jobId), hearingId }).lean<CombinedJobDoc>().exec();
    if (!job) throw errors.notFound('The combined file', 'COMBINED_FILE_NOT_FOUND');
    return job;
  };
  const finished = (job: CombinedJobDoc): CombinedJobDoc & { file: string; sha256: string } => {
    if (job.status !== 'done' || !job.file || !job.sha256) throw errors.invalidState('The combined file is not built yet.', 'COMBINED_FILE_NOT_READY');
    return job as CombinedJobDoc & { file: string; sha256: string };
  };

  ctx.api.add({
    method: 'post', path: base, tags, auth: true,
    summary: "Build one file of the hearing's recordings (grid video, mixed audio, segments placed by their start times) in the background; the same recordings asked again give the same job",
    responses: { 202: { description: 'The job (CombinedFileJobView); progress by GET or the /user event recording:combined' }, 404: err('HEARING_NOT_FOUND'), 409: err('NO_RECORDINGS, RECORDING_IN_PROGRESS') },
  });
  router.post(base, auth, async (req, res) => {
    const user = currentUser(req);
    const hearingId = String(req.params.id);
    const hearing = await hearingFor(user, hearingId);
    res.status(202).json(combinedJobView(await combined.request(hearingId, hearing.caseId, user.id)));
  });

  ctx.api.add({ method: 'get', path: base, tags, auth: true, summary: 'The combined files asked for this hearing, newest first', responses: { 200: { description: '{ jobs: CombinedFileJobView[] }' }, 404: err('HEARING_NOT_FOUND') } });
  router.get(base, auth, async (req, res) => {
    const hearingId = String(req.params.id);
    await hearingFor(currentUser(req), hearingId);
    const jobs = await combined.jobs.find({ hearingId }).sort({ requestedAt: -1 }).limit(20).lean<CombinedJobDoc[]>().exec();
    res.json({ jobs: jobs.map(combinedJobView) });
  });

  ctx.api.add({ method: 'get', path: `${base}/:jobId`, tags, auth: true, summary: 'One combined-file job: status, progress, and when done the SHA-256, size, duration and codecs', responses: { 200: { description: 'CombinedFileJobView' }, 404: err('HEARING_NOT_FOUND, COMBINED_FILE_NOT_FOUND') } });
  router.get(`${base}/:jobId`, auth, async (req, res) => {
    const hearingId = String(req.params.id);
    await hearingFor(currentUser(req), hearingId);
    res.json(combinedJobView(await jobFor(hearingId, String(req.params.jobId))));
  });

  ctx.api.add({ method: 'post', path: `${base}/:jobId/stream-url`, tags, auth: true, summary: 'A playback/download URL for the combined file, valid for 5 minutes', responses: { 200: { description: '{ url, expiresIn }' }, 404: err('HEARING_NOT_FOUND, COMBINED_FILE_NOT_FOUND'), 409: err('COMBINED_FILE_NOT_READY') } });
  router.post(`${base}/:jobId/stream-url`, auth, async (req, res) => {
    const user = currentUser(req);
    const hearingId = String(req.params.id);
    await hearingFor(user, hearingId);
    const job = finished(await jobFor(hearingId, String(req.params.jobId)));
    const token = signStreamToken(user.id, job._id, ctx.config.jwtSecret);
    res.json({ url: `/api/hearings/${encodeURIComponent(hearingId)}/recordings/combined/${encodeURIComponent(job._id)}/media?access=${token}`, expiresIn: STREAM_TOKEN_TTL_SECONDS });
  });

  ctx.api.add({ method: 'get', path: `${base}/:jobId/media`, tags, auth: true, summary: 'The combined WebM; HTTP Range. Authorised by the login token or ?access= from stream-url', responses: { 200: { description: 'video/webm' }, 206: { description: 'A byte range' }, 409: err('COMBINED_FILE_NOT_READY') } });
  router.get(`${base}/:jobId/media`, mediaAccess(auth, ctx.config.jwtSecret, 'jobId'), async (req, res, next) => {
    const hearingId = String(req.params.id);
    if (req.user) await hearingFor(currentUser(req), hearingId);
    privateMedia(res);
    const job = finished(await jobFor(hearingId, String(req.params.jobId)));
    sendRecordingFile(res, next, path.join(ctx.config.recordingsDir, job.file), job);
  });

  ctx.api.add({ method: 'get', path: `${base}/:jobId/verify`, tags, auth: true, summary: 'Re-hash the combined file and compare with its stored SHA-256', responses: { 200: { description: '{ valid, sha256, storedSha256 }' }, 409: err('COMBINED_FILE_NOT_READY') } });
  router.get(`${base}/:jobId/verify`, auth, async (req, res) => {
    const hearingId = String(req.params.id);
    await hearingFor(currentUser(req), hearingId);
    const job = finished(await jobFor(hearingId, String(req.params.jobId)));
    res.json(await verifyRecordingFile(path.join(ctx.config.recordingsDir, job.file), { sha256: job.sha256, ...(job.size !== undefined ? { size: job.size } : {}) }));
  });
  return router;
}
