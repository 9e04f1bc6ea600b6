import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../../state-machines/rules/periods.js';
import { registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

interface Row {
  id: string;
  caseNumber?: string;
  status: string;
  caseType: string;
  claimAmount?: string;
  causeOfAction?: { code: string; zh: string; en: string };
  parties: { name: string; side: string }[];
  nextDeadline?: { kind: string; date: string; daysLeft: number; overdue: boolean; labelEn: string };
  createdAt: string;
}
interface Page {
  cases: Row[];
  total: number;
  page: number;
  pageSize: number;
}

const files = (tag: string) => [
  { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf(tag) },
  { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
];

describe('case lists tell cases apart and can be searched, filtered, sorted and paged', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let zhang: ApiClient;
  let wang: ApiClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    zhang = await registerParty(server, '13900001101', 911, '张小明');
    wang = await registerParty(server, '13900001102', 912, '王大力');
    const filings: [ApiClient, Record<string, unknown>][] = [
      [zhang, { caseType: 'property', causeOfAction: 'C10', claimAmount: '150000', defendants: [{ name: '李四', idNumber: validIdNumber(913) }] }],
      [wang, { caseType: 'property', causeOfAction: 'C17.01.05', claimAmount: '8800.5', defendants: [{ name: '赵六', idNumber: validIdNumber(914) }] }],
      [zhang, { caseType: 'divorce', causeOfAction: 'C02.03', defendants: [{ name: '钱七', idNumber: validIdNumber(915) }] }],
    ];
    for (const [who, extra] of filings) {
      const res = await who.postForm<{ id: string; status: string }>('/api/cases', { court: 'bj-chaoyang', claims: ['判令被告履行'], facts: '事实与理由', ...extra }, files(String(ids.length)));
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('underReview');
      ids.push(res.body.id);
    }
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it("the clerk's queue names the parties with their sides, the cause, the amount and the next deadline with its days left", async () => {
    const res = await clerk.get<Page>('/api/cases?status=underReview');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    const [first, second] = res.body.cases;
    expect(first?.parties).toEqual([
      { name: '张小明', side: 'plaintiff' },
      { name: '李四', side: 'defendant' },
    ]);
    expect(first?.causeOfAction).toMatchObject({ code: 'C10', zh: '合同纠纷' });
    expect(first?.claimAmount).toBe('150000');
    expect(second?.parties.map((p) => p.name)).toEqual(['王大力', '赵六']);
    expect(second?.causeOfAction?.zh).toBe('追索劳动报酬纠纷');
    // CPL Art. 126: the clerk decides within 7 days; the row says by when and how many days are left.
    expect(first?.nextDeadline).toMatchObject({ kind: 'docketBy', overdue: false, labelEn: 'Court decides on docketing by' });
    expect(first?.nextDeadline?.daysLeft).toBeGreaterThanOrEqual(6);
  });

  it('searches by party name (filer or defendant) and by case number', async () => {
    const byFiler = await clerk.get<Page>(`/api/cases?q=${encodeURIComponent('王大')}`);
    expect(byFiler.body.cases.map((c) => c.id)).toEqual([ids[1]]);
    const byDefendant = await clerk.get<Page>(`/api/cases?q=${encodeURIComponent('钱七')}`);
    expect(byDefendant.body.cases.map((c) => c.id)).toEqual([ids[2]]);
    // Regular-expression characters are searched for as text.
    expect((await clerk.get<Page>(`/api/cases?q=${encodeURIComponent('.*')}`)).body.total).toBe(0);

    const accepted = await clerk.post<{ caseNumber: string }>(`/api/cases/${ids[0]}/review`, { decision: 'accept' });
    expect(accepted.status).toBe(200);
    const number = accepted.body.caseNumber;
    const byNumber = await clerk.get<Page>(`/api/cases?q=${encodeURIComponent(number)}`);
    expect(byNumber.body.cases.map((c) => c.caseNumber)).toEqual([number]);
    // Once docketed the next deadline is the fee's.
    expect(byNumber.body.cases[0]?.nextDeadline?.kind).toBe('feeDueBy');
  });

  it('filters by several statuses, type and filing dates; sorts; pages with the total', async () => {
    const both = await clerk.get<Page>('/api/cases?status=underReview,docketed');
    expect(both.body.total).toBe(3);
    const divorce = await clerk.get<Page>('/api/cases?caseType=divorce');
    expect(divorce.body.cases.map((c) => c.id)).toEqual([ids[2]]);
    const today = shanghaiDate(new Date());
    expect((await clerk.get<Page>(`/api/cases?from=${today}&to=${today}`)).body.total).toBe(3);
    expect((await clerk.get<Page>('/api/cases?to=2020-01-01')).body.total).toBe(0);
    const unassigned = await clerk.get<Page>('/api/cases?judge=none');
    expect(unassigned.body.total).toBe(3);

    const page1 = await clerk.get<Page>('/api/cases?sort=-filed&pageSize=2&page=1');
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.cases.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const page2 = await clerk.get<Page>('/api/cases?sort=-filed&pageSize=2&page=2');
    expect(page2.body.cases.map((c) => c.id)).toEqual([ids[0]]);
  });

  it("a party's list holds only their own cases, with the other side named", async () => {
    const mine = await zhang.get<Page>('/api/cases');
    expect(mine.body.total).toBe(2);
    expect(mine.body.cases.map((c) => c.id)).toEqual([ids[2], ids[0]]);
    expect(mine.body.cases[0]?.parties).toEqual([
      { name: '张小明', side: 'plaintiff' },
      { name: '钱七', side: 'defendant' },
    ]);
    // Searching never reaches another party's case.
    expect((await zhang.get<Page>(`/api/cases?q=${encodeURIComponent('王大力')}`)).body.total).toBe(0);
  });

  it('the case header shows the court and the parties with their sides', async () => {
    const res = await clerk.get<{ court: { id: string; code: string; nameZh: string; nameEn: string }; parties: Row['parties']; representatives: unknown[] }>(`/api/cases/${ids[1]}`);
    expect(res.body.court).toMatchObject({ id: 'bj-chaoyang', code: '京0105', nameZh: '北京市朝阳区人民法院' });
    expect(res.body.parties).toEqual([
      { name: '王大力', side: 'plaintiff' },
      { name: '赵六', side: 'defendant' },
    ]);
    expect(res.body.representatives).toEqual([]);
  });

  it('refuses a bad filter with a stable code', async () => {
    for (const bad of ['status=nonsense', 'pageSize=1000', 'page=0', 'from=2026-02-30', 'judge=xyz', 'sort=name', 'unknown=1']) {
      const res = await clerk.get<{ error: { code: string } }>(`/api/cases?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('VALIDATION_FAILED');
    }
  });
});
