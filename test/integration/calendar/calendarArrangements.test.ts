import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { statutoryHolidays } from '../../../state-machines/calendar/statutoryHolidays.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { waitFor } from '../service/fixture.js';

interface Deadline { kind: string; date: string; provisional: boolean }
interface CaseBody { status: string; deadlines: Deadline[]; timeline: { type: string; details: Record<string, unknown> }[] }

const statutory2027 = statutoryHolidays(2027).map((h) => h.date);
/** A 2027 notice that makes Monday 2027-01-04 a bridging rest day, worked back on Saturday 01-09. */
const notice2027 = { restDays: [...statutory2027, '2027-01-04'], workdays: ['2027-01-09'], source: '国办发明电〔2026〕测试号' };

describe('holiday arrangements entered by the administrator', () => {
  let server: TestServer;
  let admin: ApiClient;
  let clerk: ApiClient;
  let plaintiff: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    admin = await login(server, '13800000000', DEMO_PASSWORD);
    plaintiff = await registerParty(server, '13900000881', 881, '原告日历');
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('serves any year: 2027 is provisional with the statutory days computed from the law', async () => {
    const res = await plaintiff.get<{ status: string; provisional: boolean; statutoryHolidays: { date: string }[] }>('/api/calendar/2027');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('provisional');
    expect(res.body.statutoryHolidays.map((h) => h.date)).toContain('2027-02-06');
    expect((await plaintiff.get<{ status: string }>('/api/calendar/2026')).body.status).toBe('shipped');
    expect((await plaintiff.get<{ error: { code: string } }>('/api/calendar/2100')).body.error.code).toBe('CALENDAR_YEAR_OUT_OF_RANGE');
  });

  it('lets only an administrator enter a year, and refuses a wrong notice with a stable code, changing nothing', async () => {
    expect((await clerk.put('/api/admin/calendar/2027', notice2027)).status).toBe(403);
    const missing = await admin.put<{ error: { code: string } }>('/api/admin/calendar/2027', { ...notice2027, restDays: notice2027.restDays.filter((d) => d !== '2027-02-05') });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('CALENDAR_STATUTORY_DAY_MISSING');
    const weekday = await admin.put<{ error: { code: string } }>('/api/admin/calendar/2027', { ...notice2027, workdays: ['2027-01-05'] });
    expect(weekday.body.error.code).toBe('CALENDAR_WORKDAY_NOT_WEEKEND');
    expect((await admin.put<{ error: { code: string } }>('/api/admin/calendar/2027', { restDays: ['x'], workdays: [], source: 's' })).status).toBe(400);
    expect((await plaintiff.get<{ status: string }>('/api/calendar/2027')).body.status).toBe('provisional');
    expect((await admin.get<{ entries: unknown[] }>('/api/admin/calendar/log')).body.entries).toHaveLength(0);
  });

  it('flags a 2027 deadline provisional, then recounts it when the arrangement is entered, telling the filer', async () => {
    // Filed on 2026-12-28: the 7-day docketing period ends 2027-01-04 (01-01 New Year, then the weekend).
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2026-12-28T02:00:00Z'));
    // Tokens issued at the real time have expired by then.
    plaintiff = await login(server, '13900000881', 'a-good-password');
    admin = await login(server, '13800000000', DEMO_PASSWORD);
    const filed = await plaintiff.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付拖欠工资'], facts: '拖欠工资', defendants: [{ name: '被告', idNumber: validIdNumber(882) }] },
      [
        { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf('calendar') },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    expect(filed.status).toBe(201);
    const before = await plaintiff.get<CaseBody>(`/api/cases/${filed.body.id}`);
    expect(before.body.deadlines).toContainEqual(expect.objectContaining({ kind: 'docketBy', date: '2027-01-04', provisional: true }));
    const listed = await plaintiff.get<{ cases: { id: string; deadlines: Deadline[] }[] }>('/api/cases');
    expect(listed.body.cases.find((c) => c.id === filed.body.id)?.deadlines[0]).toMatchObject({ date: '2027-01-04', provisional: true });

    // The filing notice names the docketing deadline and says it is provisional.
    const filingNotice = await waitFor(async () => {
      const page = await plaintiff.get<{ notifications: { bodyZh: string; bodyEn: string }[] }>('/api/notifications');
      return page.body.notifications.find((n) => n.bodyEn.includes('4 January 2027'));
    }, 'the filing notice');
    expect(filingNotice.bodyZh).toContain('暂定');
    expect(filingNotice.bodyEn).toContain('provisional');

    const entered = await admin.put<{ movedCases: number; seq: number }>('/api/admin/calendar/2027', notice2027);
    expect(entered.status).toBe(200);
    expect(entered.body.movedCases).toBe(1);

    const after = await plaintiff.get<CaseBody>(`/api/cases/${filed.body.id}`);
    expect(after.body.deadlines).toContainEqual(expect.objectContaining({ kind: 'docketBy', date: '2027-01-05', provisional: false }));
    const logged = after.body.timeline.find((e) => e.type === 'DEADLINES_RECOMPUTED');
    expect(logged?.details.moved).toEqual([{ name: 'docketBy', from: '2027-01-04', to: '2027-01-05' }]);
    const notice = await waitFor(async () => {
      const page = await plaintiff.get<{ notifications: { type: string; bodyZh: string }[] }>('/api/notifications');
      return page.body.notifications.find((n) => n.type === 'case.deadlinesRecomputed');
    }, 'the deadline notice');
    expect(notice.bodyZh).toContain('2027年1月5日');
    expect((await plaintiff.get<{ status: string; source: string }>('/api/calendar/2027')).body).toMatchObject({ status: 'entered', source: notice2027.source });
  });

  it('keeps every change in a verifiable chain: who, when, before and after', async () => {
    const again = await admin.put('/api/admin/calendar/2027', { ...notice2027, restDays: statutory2027, workdays: [] });
    expect(again.status).toBe(200);
    const log = await admin.get<{ verification: { valid: boolean; entries: number }; entries: { seq: number; year: number; actor: { role: string }; before: unknown; after: { restDays: string[] } }[] }>('/api/admin/calendar/log');
    expect(log.body.verification).toEqual({ valid: true, entries: 2 });
    expect(log.body.entries[1]?.before).toMatchObject({ restDays: expect.arrayContaining(['2027-01-04']) });
    expect(log.body.entries[1]?.after.restDays).not.toContain('2027-01-04');
    expect(log.body.entries[0]).toMatchObject({ seq: 1, year: 2027, actor: { role: 'admin' }, before: null });
    expect((await plaintiff.get('/api/admin/calendar/log')).status).toBe(403);
  });
});
