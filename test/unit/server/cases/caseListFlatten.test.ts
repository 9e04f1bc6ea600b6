/**
 * The list filter as one flat document: FerretDB on PostgreSQL hands PostgreSQL only top-level
 * equality conditions, so conditions are merged where their fields do not collide, and only a
 * colliding condition (a second `$or`) stays under `$and`, so the match is the same.
 */
import { describe, expect, it } from 'vitest';
import { flatten } from '../../../../server/cases/caseList.js';

describe('case list filter', () => {
  it('merges the court, status, type and judge into one document', () => {
    expect(flatten([{ courtId: 'bj-chaoyang' }, { status: 'underReview' }, { caseType: 'property' }, { judgeId: 'a'.repeat(24) }])).toEqual({
      courtId: 'bj-chaoyang',
      status: 'underReview',
      caseType: 'property',
      judgeId: 'a'.repeat(24),
    });
  });

  it('keeps a condition on a field already set under $and, so both still apply', () => {
    const party = { $or: [{ filerId: 'u1' }, { 'defendants.userId': 'u1' }] };
    const search = { $or: [{ caseNumber: { $regex: '民初' } }] };
    expect(flatten([party, { status: 'docketed' }, search])).toEqual({ ...party, status: 'docketed', $and: [search] });
  });
});
