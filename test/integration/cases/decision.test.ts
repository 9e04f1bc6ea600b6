import { lawfulStart, serveComplaintCopy } from '../../support/procedure.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { sweepDeadlines } from '../../../server/server.js';
import { addPeriod, chineseHolidayCalendar, endOfDayShanghai, shanghaiDate } from '../../../state-machines/rules/periods.js';
import { login, sampleFiles, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { consentInbox, feeSettledCase, me, serve, waitFor, type InboxItem, type ServiceCase } from '../service/fixture.js';
import { calendarDateEn } from '../../../state-machines/rules/courtDates.js';

interface CaseView {
  status: string;
  documents: { id: string; kind: string; filename: string }[];
  deadlines: { kind: string; date: string; labelZh: string; labelEn: string; partyId?: string }[];
  timeline: { type: string; by: string; details: Record<string, unknown> }[];
}

const judgmentPdf = { field: 'judgment', filename: '民事判决书.pdf', bytes: sampleFiles.pdf('judgment') };

describe('the judge decides by filing the decision; serving it starts each party\'s appeal period', () => {
  let server: TestServer;
  let c: ServiceCase;
  let judge: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    c = await feeSettledCase(server, 31);
    judge = await login(server, '13800000002', DEMO_PASSWORD);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('only the judge, only with one readable PDF, and only once the case has been heard', async () => {
    const url = `/api/cases/${c.caseId}/decision`;
    const early = await judge.postForm<{ error: { code: string } }>(url, undefined, [judgmentPdf]);
    expect(early.status).toBe(409);

    const hearing = await c.clerk.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, {
      kind: 'hearing',
      // Lawful order (issue 12): after the answer period, and the defendant served before it opens.
      startsAt: lawfulStart(),
      participants: [
        { userId: await me(judge), role: 'judge' },
        { userId: c.ids.plaintiff, role: 'party', side: 'plaintiff' },
        { userId: c.ids.defendant, role: 'party', side: 'defendant' },
      ],
    });
    expect(hearing.status).toBe(201);
    await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
    // What the live hearing session reports when the judge opens and closes the court.
    await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_STARTED', hearingId: hearing.body.id });
    await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_ENDED', hearingId: hearing.body.id });

    expect((await c.clerk.postForm(url, undefined, [judgmentPdf])).status).toBe(403);
    expect((await c.plaintiff.postForm(url, undefined, [judgmentPdf])).status).toBe(403);
    const none = await judge.postForm<{ error: { code: string } }>(url, undefined, []);
    expect(none.body.error.code).toBe('DECISION_FILE_REQUIRED');
    const two = await judge.postForm<{ error: { code: string } }>(url, undefined, [judgmentPdf, { ...judgmentPdf, field: 'ruling' }]);
    expect(two.body.error.code).toBe('DECISION_FILE_REQUIRED');
    const image = await judge.postForm<{ error: { code: string } }>(url, undefined, [{ field: 'judgment', filename: 'photo.png', bytes: sampleFiles.png() }]);
    expect(image.body.error.code).toBe('DECISION_NOT_PDF');
    const broken = await judge.postForm<{ error: { code: string } }>(url, undefined, [{ field: 'judgment', filename: 'cut.pdf', bytes: sampleFiles.truncatedPdf() }]);
    expect(broken.body.error.code).toBe('DECISION_NOT_PDF');
    // Nothing of the refused attempts was kept.
    expect((await judge.get<CaseView>(`/api/cases/${c.caseId}`)).body.documents.filter((d) => d.kind === 'judgment')).toEqual([]);

    const decided = await judge.postForm<CaseView>(url, undefined, [judgmentPdf]);
    expect(decided.status).toBe(201);
    expect(decided.body.status).toBe('decided');
    const filed = decided.body.documents.filter((d) => d.kind === 'judgment');
    expect(filed.map((d) => d.filename)).toEqual(['民事判决书.pdf']);
    expect(decided.body.timeline.at(-1)).toMatchObject({ type: 'DECIDE', by: 'judge', details: { decisionId: filed[0]?.id, decisionKind: 'judgment' } });
  });

  it('each party\'s appeal period runs 15 days (with holiday roll-over) from when the judgment was served on them', async () => {
    const view = (await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body;
    const judgmentId = view.documents.find((d) => d.kind === 'judgment')?.id ?? 'missing';
    await consentInbox(c);
    const service = await serve(c.clerk, c.caseId, { document: { documentId: judgmentId }, recipients: [{ userId: c.ids.plaintiff }, { userId: c.ids.defendant }], channels: ['inbox'] });
    expect(service.document.title).toBe('民事判决书');

    const servedAt: Record<string, string> = {};
    for (const [party, id] of [[c.plaintiff, c.ids.plaintiff], [c.defendant, c.ids.defendant]] as const) {
      const [item] = (await party.get<{ items: InboxItem[] }>('/api/inbox')).body.items.filter((i) => i.serviceId === service.id);
      const acked = await party.post<{ item: InboxItem }>(`/api/inbox/${item?.id ?? 'missing'}/acknowledge`);
      expect(acked.body.item.effect.effective).toBe(true);
      servedAt[id] = acked.body.item.effect.effectiveAt ?? 'missing';
    }

    const appeals = await waitFor(async () => {
      const d = (await c.plaintiff.get<CaseView>(`/api/cases/${c.caseId}`)).body.deadlines.filter((x) => x.kind === 'appealBy');
      return d.length === 2 ? d : undefined;
    }, 'both appeal periods on the case');
    const expected = (id: string) => addPeriod(shanghaiDate(servedAt[id] ?? ''), 15, 'day', chineseHolidayCalendar);
    expect(appeals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ partyId: c.ids.plaintiff, date: expected(c.ids.plaintiff), labelZh: '原告上诉期限', labelEn: 'Plaintiff may appeal until' }),
        expect.objectContaining({ partyId: c.ids.defendant, date: expected(c.ids.defendant), labelZh: '被告上诉期限' }),
      ]),
    );
    const timeline = (await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body.timeline.filter((e) => e.type === 'DECISION_SERVED');
    expect(timeline.map((e) => e.details.recipientId).sort()).toEqual([c.ids.plaintiff, c.ids.defendant].sort());

    // Each party is reminded of their own appeal period in its last days.
    const plaintiffBy = expected(c.ids.plaintiff);
    await sweepDeadlines(server.services, new Date(endOfDayShanghai(plaintiffBy).getTime() - 86_400_000));
    const reminders = (await c.plaintiff.get<{ notifications: { type: string; caseId?: string; titleEn: string }[] }>('/api/notifications?limit=200')).body.notifications.filter(
      (n) => n.type === 'reminder.deadline' && n.caseId === c.caseId,
    );
    expect(reminders.map((n) => n.titleEn)).toEqual([`Please appeal by ${calendarDateEn(plaintiffBy)}`]);
  });
});
