/**
 * Reminders (features rows 20 and 45): a period a party must act within (the
 * filer's correction and fee, the served defendant's answer) is about to end, or a hearing starts within a day. The sweep is periodic
 * (server/scheduler.ts) and may run any number of times: each reminder is
 * keyed by what it is about, so a person gets it once.
 *
 * A folder of its own: it reads cases, hearings and service records and sends
 * through notifications/, so it sits above all four and none of them imports it.
 */
import type { Connection } from 'mongoose';
import type { CaseStatus } from '../../state-machines/case/caseMachine.js';
import { endOfDayShanghai, shanghaiDate } from '../../state-machines/rules/periods.js';
import { SUBJECT_EN, SUBJECT_ZH } from '../notifications/caseNotices.js';
import type { CaseDoc } from '../cases/caseModel.js';
import { caseModel } from '../cases/caseModel.js';
import { calendarDateZh, dateTimeZh } from '../documents/pdf.js';
import { hearingModel, SESSION_NAMES, type HearingDoc } from '../hearings/hearingModel.js';
import { hasPaymentAwaitingConfirmation } from '../payments/paymentProvider.js';
import { serviceModels } from '../service/serviceModels.js';
import type { NotificationInput } from '../notifications/notificationModel.js';
import type { NotificationService } from '../notifications/notificationService.js';
import { calendarDateEn, dateTimeEn } from '../../state-machines/rules/courtDates.js';

/** A period is "ending soon" in its last three days; the last day gets a reminder of its own. */
export const DEADLINE_WARNING_MS = 3 * 24 * 60 * 60 * 1000;
/** Participants are reminded of a hearing on the day before it. */
export const HEARING_WARNING_MS = 24 * 60 * 60 * 1000;

interface PartyDeadline {
  kind: 'correctBy' | 'feeDueBy' | 'answerBy' | 'appealBy';
  /** The status in which the period runs. */
  status: CaseStatus;
  /**
   * Who must act: the filer; the defendants on whom the service that started the period took
   * effect; or, for appeals, each party the decision was served on (their own period).
   */
  who: 'filer' | 'servedDefendants' | 'servedParty';
  zh: string;
  en: string;
  lapseZh: string;
  lapseEn: string;
}

const DEADLINES: PartyDeadline[] = [
  { kind: 'correctBy', status: 'correctionRequested', who: 'filer', zh: '补正立案材料', en: 'correct your filing', lapseZh: '逾期将按撤回处理', lapseEn: 'after that the filing is treated as withdrawn' },
  { kind: 'feeDueBy', status: 'docketed', who: 'filer', zh: '交纳诉讼费', en: 'pay the court fee', lapseZh: '逾期将按撤诉处理', lapseEn: 'after that the case is treated as withdrawn' },
  { kind: 'answerBy', status: 'servedOnDefendant', who: 'servedDefendants', zh: '提交答辩状', en: 'file your answer', lapseZh: '逾期不影响案件审理', lapseEn: 'after that the case proceeds without your answer' },
  { kind: 'appealBy', status: 'decided', who: 'servedParty', zh: '提起上诉', en: 'appeal', lapseZh: '逾期未上诉的，裁判即发生法律效力', lapseEn: 'if no party appeals in time, the decision becomes final' },
];

/** How many reminders were due at the instant swept; each reaches its person once, so a repeated sweep delivers nothing new. */
export interface ReminderSweepResult {
  deadlines: number;
  hearings: number;
}

export class Reminders {
  constructor(
    private readonly connection: Connection,
    private readonly notifications: NotificationService,
  ) {}

  /** Sends the reminders due at `at`; those already sent are skipped by their keys. */
  async sweep(at: Date): Promise<ReminderSweepResult> {
    return { deadlines: await this.deadlineReminders(at), hearings: await this.hearingReminders(at) };
  }

  private async deadlineReminders(at: Date): Promise<number> {
    const today = shanghaiDate(at);
    let sent = 0;
    const cases = await caseModel(this.connection)
      .find({ status: { $in: DEADLINES.map((d) => d.status) } })
      .lean<CaseDoc[]>()
      .exec();
    for (const doc of cases) {
      const period = DEADLINES.find((d) => d.status === doc.status);
      if (!period) continue;
      for (const { date, who } of this.running(doc, period)) {
        if (date < today) continue;
        const lastDay = date === today;
        if (!lastDay && endOfDayShanghai(date).getTime() - at.getTime() > DEADLINE_WARNING_MS) continue;
        // Paid but not yet confirmed by the clerk: the party has done their part.
        if (period.kind === 'feeDueBy' && (await hasPaymentAwaitingConfirmation(this.connection, doc._id))) continue;
        const stage = lastDay ? 'lastDay' : 'soon';
        for (const userId of who ?? (period.who === 'filer' ? [doc.filerId] : await this.servedDefendants(doc._id))) {
          await this.notifications.notify(userId, deadlineNotice(doc, period, date, lastDay), {
            key: `reminder:${doc._id}:${period.kind}:${date}:${stage}:${userId}`,
          });
          sent++;
        }
      }
    }
    return sent;
  }

  /** The period's end dates on this case; appeal periods run per party, so they name their party. */
  private running(doc: CaseDoc, period: PartyDeadline): { date: string; who?: string[] }[] {
    const context = doc.snapshot.context;
    if (period.kind === 'appealBy') return (context.appeals ?? []).map((a) => ({ date: a.appealBy, who: [a.recipientId] }));
    const date = context.deadlines[period.kind];
    return date ? [{ date }] : [];
  }

  /** Recipients whose service started (or moved) the case's answer period. */
  private async servedDefendants(caseId: string): Promise<string[]> {
    const ids = await serviceModels(this.connection)
      .effects.distinct('recipientId', { caseId, caseRecord: { $in: ['SERVE_DEFENDANT', 'SERVICE_EFFECT_REVISED'] } })
      .exec();
    return ids.map(String);
  }

  private async hearingReminders(at: Date): Promise<number> {
    const from = at.toISOString();
    const until = new Date(at.getTime() + HEARING_WARNING_MS).toISOString();
    const hearings = await hearingModel(this.connection)
      .find({ state: 'scheduled', startsAt: { $gt: from, $lte: until } })
      .lean<HearingDoc[]>()
      .exec();
    let sent = 0;
    for (const h of hearings) {
      for (const p of h.participants) {
        // The start time is in the key: a rescheduled hearing is reminded of again.
        await this.notifications.notify(p.userId, hearingNotice(h), { key: `hearing-reminder:${h._id}:${h.startsAt}:${p.userId}` });
        sent++;
      }
    }
    return sent;
  }
}

function deadlineNotice(doc: CaseDoc, period: PartyDeadline, date: string, lastDay: boolean): NotificationInput {
  return {
    type: 'reminder.deadline',
    caseId: doc._id,
    titleZh: lastDay ? `今天是${period.zh}的最后一天` : `请于${calendarDateZh(date)}前${period.zh}`,
    titleEn: lastDay ? `Today is the last day to ${period.en}` : `Please ${period.en} by ${calendarDateEn(date)}`,
    bodyZh: `${SUBJECT_ZH(doc)}：${period.zh}的期限于${calendarDateZh(date)}24时届满，${period.lapseZh}。`,
    bodyEn: `${SUBJECT_EN(doc)}: the period to ${period.en} ends at midnight (Beijing time) on ${calendarDateEn(date)}; ${period.lapseEn}.`,
    link: `/cases/${doc._id}`,
  };
}

function hearingNotice(h: HearingDoc): NotificationInput {
  const { zh, en } = SESSION_NAMES[h.kind];
  return {
    type: 'reminder.hearing',
    caseId: h.caseId,
    titleZh: `${zh}提醒：${dateTimeZh(h.startsAt)}`,
    titleEn: `Reminder: ${en} at ${dateTimeEn(h.startsAt)} (Beijing time)`,
    bodyZh: `${zh}将于${dateTimeZh(h.startsAt)}开始。请提前10分钟通过本平台进入，并检查摄像头和麦克风；进入后请在等候室等待主持人准许入场。`,
    bodyEn: `The ${en} starts at ${dateTimeEn(h.startsAt)} (Beijing time). Join on the platform 10 minutes early and check your camera and microphone; you will wait in the waiting room until the host admits you.`,
    link: `/hearings/${h._id}`,
  };
}
