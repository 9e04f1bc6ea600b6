import { Schema, type Connection, type Model } from 'mongoose';
import type { HearingKind, RoomName, SessionState } from '../../protocol/hearing.js';
import type { SessionSnapshotJson } from '../../state-machines/hearing/sessionMachine.js';
import type { HearingParticipantRecord as HearingParticipant } from '../../protocol/hearingViews.js';

export type { HearingParticipantRecord as HearingParticipant } from '../../protocol/hearingViews.js';

export interface HearingEvent {
  type: string;
  at: string;
  actorId: string;
  data?: Record<string, unknown>;
}

export interface HearingDoc {
  _id: string;
  caseId: string;
  courtId: string;
  kind: HearingKind;
  startsAt: string;
  participants: HearingParticipant[];
  state: SessionState;
  createdBy: string;
  createdAt: string;
  /** Who joined, was admitted, muted, moved...: the hearing's own audit trail. */
  events: HearingEvent[];
  /** What a live session needs to go on elsewhere (another node, a restarted server); see LiveState. */
  live?: LiveState;
}

/** A participant's place in the live session: admitted to a room (the joint room or a caucus). */
export interface KeptPlace {
  userId: string;
  status: 'admitted' | 'inCaucus';
  room: RoomName;
}

/**
 * The live session as the node holding it last wrote it, so that another node taking the
 * hearing over (its node died) or this one after a restart carries it on: the session's
 * state, who had a place in which room, and whether the joint room was being recorded.
 * Written with the audit events (one single-document write per batch), never read while
 * the session is live.
 */
export interface LiveState {
  session: SessionSnapshotJson;
  places: KeptPlace[];
  recording: boolean;
  savedAt: string;
}

/** What a session is called in notices and reminders. */
export const SESSION_NAMES: Record<HearingKind, { zh: string; en: string }> = {
  hearing: { zh: '在线庭审', en: 'online hearing' },
  mediation: { zh: '在线调解', en: 'online mediation' },
};

const hearingSchema = new Schema<HearingDoc>(
  {
    _id: String,
    caseId: { type: String, required: true, index: true },
    courtId: { type: String, required: true },
    kind: { type: String, required: true },
    startsAt: { type: String, required: true },
    participants: [Schema.Types.Mixed],
    state: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    events: [Schema.Types.Mixed],
    live: Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false },
);

export function hearingModel(connection: Connection): Model<HearingDoc> {
  return (connection.models.Hearing as Model<HearingDoc> | undefined) ?? connection.model<HearingDoc>('Hearing', hearingSchema, 'hearings');
}

/** The representatives (代理人) named with a side in the case's hearings, each once; the case header shows them. */
export async function representativesOf(connection: Connection, caseId: string): Promise<{ name: string; side: 'plaintiff' | 'defendant' }[]> {
  const hearings = await hearingModel(connection).find({ caseId, 'participants.role': 'representative' }, { participants: 1 }).lean<Pick<HearingDoc, 'participants'>[]>().exec();
  const seen = new Map<string, { name: string; side: 'plaintiff' | 'defendant' }>();
  for (const p of hearings.flatMap((h) => h.participants)) {
    if (p.role === 'representative' && (p.side === 'plaintiff' || p.side === 'defendant')) seen.set(p.userId, { name: p.name, side: p.side });
  }
  return [...seen.values()];
}
