import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { inListScope } from '../../../../server/cases/caseAccess.js';
import { CaseListIndex, rowOf, type RowSource } from '../../../../server/cases/caseListIndex.js';
import type { CaseDoc } from '../../../../server/cases/caseModel.js';
import { caseSummary } from '../../../../server/cases/caseView.js';

/** A case as stored, with everything a summary shows and much it does not (documents, claims, findings). */
function storedCase(over: Partial<CaseDoc> = {}): CaseDoc {
  return {
    _id: 'case-1',
    version: 7,
    courtId: 'bj-chaoyang',
    filerId: 'a'.repeat(24),
    status: 'servedOnDefendant',
    caseType: 'property',
    typeCode: '民初',
    claimAmount: '50000',
    causeOfAction: 'C10',
    caseNumber: '（2026）京0105民初17号',
    judgeId: 'b'.repeat(24),
    clerkId: 'c'.repeat(24),
    fee: { amount: '1050.00', currency: 'CNY', breakdown: [] } as unknown as CaseDoc['fee'],
    claims: ['判令被告支付货款50000元'],
    facts: '事实与理由……'.repeat(200),
    defendants: [{ name: '李四', userId: 'd'.repeat(24), idNumberEnc: 'secret' }, { name: 'Acme Ltd' }],
    findings: [],
    documents: [{ id: 'doc-1', kind: 'complaint', filename: 'complaint.pdf' }] as unknown as CaseDoc['documents'],
    snapshot: {
      value: 'servedOnDefendant',
      context: {
        deadlines: { feeDueBy: '2026-12-10', answerBy: '2026-12-28' },
        defendantCount: 2,
        defendantServices: [{ defendantId: 'd0', servedAt: '2026-12-01T02:00:00.000Z', answerBy: '2026-12-16', documentId: 'doc-9' }],
        appeals: [{ side: 'plaintiff', recipientId: 'a'.repeat(24), appealBy: '2027-01-20' }],
        findings: [{ code: 'X' }],
      },
    } as unknown as CaseDoc['snapshot'],
    createdAt: '2026-11-30T01:00:00.000Z',
    updatedAt: '2026-12-01T02:00:00.000Z',
    ...over,
  } as CaseDoc;
}

const connection = mongoose.createConnection();
afterAll(() => connection.close());

describe('the case list index', () => {
  it('shows in a list exactly what the stored case shows', () => {
    const doc = storedCase();
    const now = new Date('2026-12-05T03:00:00.000Z');
    const names = new Map([
      ['a'.repeat(24), '张三'],
      ['b'.repeat(24), '王法官'],
    ]);
    const calendar = { isRestDay: () => false, isProvisional: (date: string) => date.startsWith('2027') };
    const fromRow = caseSummary(rowOf(doc).summary, 'court', calendar, now, names);
    expect(fromRow).toEqual(caseSummary(doc, 'court', calendar, now, names));
    // And holds none of what no list shows.
    expect(JSON.stringify(rowOf(doc))).not.toContain('secret');
    expect(JSON.stringify(rowOf(doc))).not.toContain('事实与理由');
  });

  it('keeps the newest version of a case, whatever order the saves arrive in', () => {
    const index = new CaseListIndex(connection);
    index.put(storedCase({ version: 8, status: 'hearingScheduled' }) as RowSource);
    index.put(storedCase({ version: 7, status: 'servedOnDefendant' }) as RowSource);
    expect(index.versionOf('case-1')).toBe(8);
    expect(index.select({ courtId: 'bj-chaoyang' }, () => true, 'createdAt', 1, 0, 10).rows.map((r) => r.status)).toEqual(['hearingScheduled']);
  });

  it('sorts as the database did: a missing value first, then by id; pages with the total', () => {
    const index = new CaseListIndex(connection);
    for (const [id, number] of [['c3', 'N2'], ['c1', undefined], ['c2', 'N1'], ['c0', 'N1']] as const) {
      const doc = storedCase({ _id: id });
      if (number) doc.caseNumber = number;
      else delete doc.caseNumber;
      index.put(doc as RowSource);
    }
    expect(index.select({ courtId: 'bj-chaoyang' }, () => true, 'caseNumber', 1, 0, 10).rows.map((r) => r.id)).toEqual(['c1', 'c0', 'c2', 'c3']);
    expect(index.select({ courtId: 'bj-chaoyang' }, () => true, 'caseNumber', -1, 1, 2)).toMatchObject({ total: 4, rows: [{ id: 'c2' }, { id: 'c0' }] });
  });

  it('lists a case in the scope of its court, its filer and its recognised defendants, as the case changes', () => {
    const index = new CaseListIndex(connection);
    const ids = (scope: Parameters<CaseListIndex['select']>[0]) => index.select(scope, () => true, 'createdAt', 1, 0, 10).rows.map((r) => r.id);
    index.put(storedCase({ version: 1, defendants: [{ name: '李四' }] }) as RowSource);
    expect(ids({ partyId: 'd'.repeat(24) })).toEqual([]);
    expect(ids({ partyId: 'a'.repeat(24) })).toEqual(['case-1']);
    // The court recognises the defendant's account: from then on it is in their list too.
    index.put(storedCase({ version: 2, defendants: [{ name: '李四', userId: 'd'.repeat(24) }] }) as RowSource);
    expect(ids({ partyId: 'd'.repeat(24) })).toEqual(['case-1']);
    expect(ids({ courtId: 'bj-chaoyang' })).toEqual(['case-1']);
    expect(ids({ courtId: 'bj-haidian' })).toEqual([]);
    // A row that leaves a scope is gone from it.
    index.put(storedCase({ version: 3, defendants: [{ name: '李四' }] }) as RowSource);
    expect(ids({ partyId: 'd'.repeat(24) })).toEqual([]);
  });

  it('lets staff list their court only, and a party only what they filed or were recognised as defending', () => {
    const row = rowOf(storedCase() as RowSource);
    expect(inListScope({ courtId: 'bj-chaoyang' }, row)).toBe(true);
    expect(inListScope({ courtId: 'bj-haidian' }, row)).toBe(false);
    expect(inListScope({ partyId: 'a'.repeat(24) }, row)).toBe(true);
    expect(inListScope({ partyId: 'd'.repeat(24) }, row)).toBe(true);
    expect(inListScope({ partyId: 'e'.repeat(24) }, row)).toBe(false);
  });
});
