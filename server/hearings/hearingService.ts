import crypto from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import { errors } from '../errors.js';
import { dateTimeZh } from '../documents/pdf.js';
import type { NotificationService } from '../notifications/notificationService.js';
import type { HearingKind, HearingRole, SessionState, Side } from '../../protocol/hearing.js';
import { userModel } from '../users/userModel.js';
import { hearingModel, SESSION_NAMES, type HearingDoc, type HearingEvent, type HearingParticipant, type LiveState } from './hearingModel.js';
import type { HearingProcedure } from './hearingProcedure.js';
import { JOIN_TOKEN_TTL_SECONDS, signJoinToken } from './joinTokens.js';
import { dateTimeEn } from '../../state-machines/rules/courtDates.js';

/** Where a hearing's live session runs (the node's signalling URL), placing it when it is nowhere yet. */
export interface HearingPlacementPort {
  place(hearingId: string): Promise<{ url: string }>;
  galleryNode(hearingId: string): Promise<{ url: string }>;
}

export interface HearingServiceDeps {
  connection: Connection;
  cases: CaseService;
  notifications: NotificationService;
  jwtSecret: string;
  /** Several nodes: which node's signalling serves a hearing (server/cluster/placement.ts); unset = this process. */
  placement?: HearingPlacementPort;
  now: () => Date;
  /** Moving a hearing applies the same start-time rules as fixing it. */
  procedure?: HearingProcedure;
}

export interface ScheduleInput {
  kind: HearingKind;
  startsAt: string;
  participants: { userId: string; role: HearingRole; side?: Side }[];
}

const HOST_ROLE: Record<HearingKind, HearingRole> = { hearing: 'judge', mediation: 'mediator' };
const STAFF = ['clerk', 'judge', 'mediator'] as const;

/** Scheduling and access to hearings and mediation sessions (the REST side; live sessions are in hearingSession.ts). */
export class HearingService {
  private readonly hearings: Model<HearingDoc>;
  private readonly connection: Connection;
  private readonly cases: CaseService;
  private readonly jwtSecret: string;
  private readonly now: () => Date;

  constructor(private readonly deps: HearingServiceDeps) {
    this.connection = deps.connection;
    this.cases = deps.cases;
    this.jwtSecret = deps.jwtSecret;
    this.now = deps.now;
    this.hearings = hearingModel(deps.connection);
  }

  async schedule(user: AuthUser, caseId: string, input: ScheduleInput): Promise<HearingDoc> {
    const caseDoc = await this.cases.get(user, caseId);
    this.assertMayArrange(user, caseDoc.courtId, input.kind);
    this.assertNotPast(input.startsAt);
    const participants = await this.resolveParticipants(input);
    const at = this.now().toISOString();
    const hearing: HearingDoc = {
      _id: crypto.randomUUID(),
      caseId,
      courtId: caseDoc.courtId,
      kind: input.kind,
      startsAt: new Date(input.startsAt).toISOString(),
      participants,
      state: 'scheduled',
      createdBy: user.id,
      createdAt: at,
      events: [{ type: 'SCHEDULED', at, actorId: user.id }],
    };
    await this.hearings.create(hearing);
    try {
      if (input.kind === 'hearing') {
        await this.cases.scheduleHearing(user, caseId, hearing._id, hearing.startsAt);
      } else {
        await this.cases.recordNote(caseId, 'MEDIATION_SCHEDULED', { userId: user.id, role: 'mediator' }, { hearingId: hearing._id, startsAt: hearing.startsAt });
      }
    } catch (err) {
      // The case refused (wrong stage): no hearing may exist without its case record.
      await this.hearings.deleteOne({ _id: hearing._id }).exec();
      throw err;
    }
    this.announce(hearing, user.id);
    return hearing;
  }

  /**
   * Moves a hearing that has not opened yet to a new time: the hearing's audit
   * trail and the case record keep both times, and every participant is told.
   */
  async reschedule(user: AuthUser, hearingId: string, input: { startsAt: string; reason: string }, liveState: SessionState | undefined): Promise<HearingDoc> {
    const hearing = await this.get(user, hearingId);
    this.assertMayArrange(user, hearing.courtId, hearing.kind);
    this.assertNotPast(input.startsAt);
    if (hearing.state !== 'scheduled' || (liveState !== undefined && liveState !== 'scheduled')) {
      throw errors.invalidState('The hearing has already opened; it can no longer be moved.', 'HEARING_ALREADY_OPEN');
    }
    const startsAt = new Date(input.startsAt).toISOString();
    const at = this.now().toISOString();
    if (hearing.kind === 'hearing') await this.deps.procedure?.assertLawfulStart(hearing.caseId, startsAt, at);
    const event = { type: 'RESCHEDULED', at, actorId: user.id, data: { from: hearing.startsAt, to: startsAt, reason: input.reason } };
    const updated = await this.hearings
      .findOneAndUpdate({ _id: hearingId, state: 'scheduled', startsAt: hearing.startsAt }, { $set: { startsAt }, $push: { events: event } }, { returnDocument: 'after' })
      .lean<HearingDoc>()
      .exec();
    if (!updated) throw errors.conflict('The hearing was changed at the same time. Reload it and try again.', 'HEARING_CHANGED');
    const role = user.roles.find((r) => STAFF.includes(r as (typeof STAFF)[number])) ?? 'clerk';
    try {
      await this.cases.recordNote(hearing.caseId, 'HEARING_RESCHEDULED', { userId: user.id, role }, { hearingId, kind: hearing.kind, from: hearing.startsAt, startsAt, reason: input.reason });
    } catch (err) {
      // The case record refused: the hearing keeps its old time, as if nothing was asked.
      await this.hearings.updateOne({ _id: hearingId, startsAt }, { $set: { startsAt: hearing.startsAt }, $pull: { events: { type: 'RESCHEDULED', at } } }).exec();
      throw err;
    }
    this.announce(updated, user.id, hearing.startsAt);
    return updated;
  }

  async listForCase(user: AuthUser, caseId: string): Promise<HearingDoc[]> {
    await this.cases.get(user, caseId);
    return this.hearings.find({ caseId }).sort({ startsAt: 1 }).lean<HearingDoc[]>().exec();
  }

  /**
   * The hearings and mediation sessions I take part in that have not closed, soonest first:
   * how a defendant, who did not file the case, finds the sessions they are summoned to.
   */
  async listMine(user: AuthUser): Promise<HearingDoc[]> {
    return this.hearings.find({ 'participants.userId': user.id, state: { $ne: 'closed' } }).sort({ startsAt: 1 }).limit(100).lean<HearingDoc[]>().exec();
  }

  async get(user: AuthUser, hearingId: string): Promise<HearingDoc> {
    const hearing = await this.hearings.findById(hearingId).lean<HearingDoc>().exec();
    const staffOfCourt = hearing && user.courtId === hearing.courtId && STAFF.some((r) => user.roles.includes(r));
    if (!hearing || (!staffOfCourt && !hearing.participants.some((p) => p.userId === user.id))) {
      throw errors.notFound('The hearing', 'HEARING_NOT_FOUND');
    }
    return hearing;
  }

  /** The case of a hearing the user may see (get() checked), named for its room's header. */
  caseHeader(hearing: HearingDoc) {
    return this.cases.hearingHeader(hearing.caseId);
  }

  async load(hearingId: string): Promise<HearingDoc | null> {
    return this.hearings.findById(hearingId).lean<HearingDoc>().exec();
  }

  /** A short-lived token for this hearing and the caller's role in it. */
  async joinToken(user: AuthUser, hearingId: string): Promise<{ token: string; expiresIn: number; role: HearingRole; signallingUrl?: string; galleryUrl?: string }> {
    const hearing = await this.hearings.findById(hearingId).lean<HearingDoc>().exec();
    if (!hearing) throw errors.notFound('The hearing', 'HEARING_NOT_FOUND');
    const me = hearing.participants.find((p) => p.userId === user.id);
    if (!me) throw errors.forbidden('You are not a participant of this hearing.', 'NOT_A_PARTICIPANT');
    if (hearing.state === 'closed') throw errors.invalidState('This hearing has closed.', 'HEARING_CLOSED');
    const token = { token: signJoinToken({ userId: user.id, hearingId, role: me.role }, this.jwtSecret), expiresIn: JOIN_TOKEN_TTL_SECONDS, role: me.role };
    // With several nodes any node answers here, and names the one whose signalling holds the hearing.
    if (!this.deps.placement) return token;
    // galleryUrl: where to only watch (the /gallery socket), away from the hearing's node.
    const placed = await this.deps.placement.place(hearingId);
    const gallery = await this.deps.placement.galleryNode(hearingId);
    return { ...token, signallingUrl: placed.url, galleryUrl: gallery.url };
  }

  /**
   * Append audit events (one or a batch, in order), and optionally the new session state and
   * the live state another node would carry on from, in one write.
   */
  async record(hearingId: string, events: HearingEvent | HearingEvent[], state?: HearingDoc['state'], live?: LiveState): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    const set = { ...(state ? { state } : {}), ...(live ? { live } : {}) };
    await this.hearings
      .updateOne({ _id: hearingId }, { ...(list.length > 0 ? { $push: { events: { $each: list } } } : {}), ...(Object.keys(set).length > 0 ? { $set: set } : {}) })
      .exec();
  }

  private assertMayArrange(user: AuthUser, courtId: string, kind: HearingKind): void {
    if (!STAFF.some((r) => user.roles.includes(r)) || user.courtId !== courtId) {
      throw errors.forbidden('Only the clerk, judge or mediator of the case can schedule a hearing.');
    }
    if (kind === 'mediation' && !user.roles.includes('mediator') && !user.roles.includes('clerk')) {
      throw errors.forbidden('A mediation session is scheduled by the mediator or the clerk.');
    }
  }

  private assertNotPast(startsAt: string): void {
    if (Date.parse(startsAt) <= this.now().getTime() - 60_000) {
      throw errors.validation('The start time must not be in the past.', undefined, 'STARTS_IN_PAST');
    }
  }

  /** Every participant but the one who arranged it hears of the time (or of the move from `from`), with the link that joins it. */
  private announce(h: HearingDoc, arrangedBy: string, from?: string): void {
    const { zh, en } = SESSION_NAMES[h.kind];
    const enHeading = en.charAt(0).toUpperCase() + en.slice(1);
    const when = dateTimeZh(h.startsAt);
    // English text gets English dates: '4 December 2026, 22:31', never 2026年12月4日.
    const whenEn = dateTimeEn(h.startsAt);
    const moved = from !== undefined;
    this.deps.notifications.notifyInBackground(
      h.participants.map((p) => p.userId).filter((id) => id !== arrangedBy),
      {
        type: moved ? 'hearing.rescheduled' : 'hearing.scheduled',
        caseId: h.caseId,
        titleZh: moved ? `${zh}时间变更：${when}` : `${zh}已排期：${when}`,
        titleEn: moved ? `${enHeading} moved to ${whenEn} (Beijing time)` : `${enHeading} scheduled for ${whenEn} (Beijing time)`,
        bodyZh: moved
          ? `原定于${dateTimeZh(from)}的${zh}改为${when}开始。请按新时间通过本平台参加。`
          : `${zh}定于${when}开始。请提前10分钟通过本平台进入并检查摄像头和麦克风。`,
        bodyEn: moved
          ? `The ${en} set for ${dateTimeEn(from)} now starts at ${whenEn} (Beijing time). Join on the platform at the new time.`
          : `The ${en} starts at ${whenEn} (Beijing time). Join on the platform 10 minutes early and check your camera and microphone.`,
        link: `/hearings/${h._id}`,
      },
      (userId) => `hearing:${h._id}:${h.startsAt}:${userId}`,
    );
  }

  private async resolveParticipants(input: ScheduleInput): Promise<HearingParticipant[]> {
    const ids = [...new Set(input.participants.map((p) => p.userId))];
    if (ids.length !== input.participants.length) throw errors.validation('Each participant may be listed once.', undefined, 'DUPLICATE_PARTICIPANT');
    const users = await userModel(this.connection).find({ _id: { $in: ids } }).lean().exec();
    const names = new Map(users.map((u) => [String(u._id), u.name as string]));
    const unknown = ids.filter((id) => !names.has(id));
    if (unknown.length > 0) throw errors.validation(`Unknown participant(s): ${unknown.join(', ')}.`, undefined, 'UNKNOWN_PARTICIPANT');
    if (!input.participants.some((p) => p.role === HOST_ROLE[input.kind])) {
      throw errors.validation(`A ${input.kind} needs a ${HOST_ROLE[input.kind]} to host it.`, undefined, 'HOST_REQUIRED');
    }
    for (const p of input.participants) {
      if (input.kind === 'mediation' && (p.role === 'party' || p.role === 'representative') && !p.side) {
        throw errors.validation('In a mediation every party and representative needs a side (plaintiff or defendant) for the caucus rooms.', undefined, 'SIDE_REQUIRED');
      }
    }
    return input.participants.map((p) => ({ userId: p.userId, name: names.get(p.userId) ?? '', role: p.role, ...(p.side ? { side: p.side } : {}) }));
  }
}
