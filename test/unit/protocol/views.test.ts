/**
 * The REST view interfaces of protocol/ against the server functions that render
 * them and the OpenAPI schemas that document them. Checked by `tsc --noEmit`
 * (tsconfig includes test/); the runtime part renders a view and validates it.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { AgreementVerification, AgreementView } from '../../../protocol/agreementViews.js';
import type { CaseSummary, CaseView, Deadline, DocumentKind, FiledDocumentKind, TimelineEntry } from '../../../protocol/caseViews.js';
import type { HearingRecord } from '../../../protocol/hearingViews.js';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import type { HearingParticipant } from '../../../server/hearings/hearingModel.js';
import type * as clientTypes from '../../../client/src/api/types.js';
import { agreementView, agreementViewSchema } from '../../../server/agreements/agreementRoutes.js';
import type { AgreementDoc, SignatureDoc } from '../../../server/agreements/agreementModel.js';
import type { AgreementService } from '../../../server/agreements/agreementService.js';
import type { caseSummary, caseView, deadlineView, timelineView } from '../../../server/cases/caseView.js';
import type { DocumentKind as CheckedDocumentKind } from '../../../server/cases/materialCheck.js';
import type { notificationView } from '../../../server/notifications/notificationModel.js';
import type { notificationViewSchema } from '../../../server/notifications/notificationRoutes.js';

describe('case views', () => {
  it('are what server/cases/caseView.ts returns', () => {
    expectTypeOf<ReturnType<typeof caseView>>().toEqualTypeOf<CaseView>();
    expectTypeOf<ReturnType<typeof caseSummary>>().toEqualTypeOf<CaseSummary>();
    expectTypeOf<ReturnType<typeof deadlineView>>().toEqualTypeOf<Deadline[]>();
    expectTypeOf<ReturnType<typeof timelineView>>().toEqualTypeOf<TimelineEntry[]>();
  });

  it('are what the client reads', () => {
    expectTypeOf<clientTypes.CaseView>().toEqualTypeOf<CaseView>();
    expectTypeOf<clientTypes.CaseSummary>().toEqualTypeOf<CaseSummary>();
    expectTypeOf<clientTypes.CaseDocument>().toEqualTypeOf<CaseView['documents'][number]>();
    expectTypeOf<clientTypes.DocumentKind>().toEqualTypeOf<DocumentKind>();
  });

  it('name every kind of filed document once, plus the court documents service files', () => {
    expectTypeOf<CheckedDocumentKind>().toEqualTypeOf<FiledDocumentKind>();
    expectTypeOf<Exclude<DocumentKind, FiledDocumentKind>>().toEqualTypeOf<'courtDocument'>();
  });
});

describe('agreement views', () => {
  it('are what the agreement routes and service return, and what OpenAPI documents', () => {
    expectTypeOf<ReturnType<typeof agreementView>>().toEqualTypeOf<AgreementView>();
    expectTypeOf<Awaited<ReturnType<AgreementService['verify']>>>().toEqualTypeOf<AgreementVerification>();
    expectTypeOf<z.infer<typeof agreementViewSchema>>().toEqualTypeOf<AgreementView>();
    expectTypeOf<clientTypes.Agreement>().toEqualTypeOf<AgreementView>();
    expectTypeOf<clientTypes.AgreementVerification>().toEqualTypeOf<AgreementVerification>();
  });

  it('renders a draft that passes the documented schema', () => {
    const draft: AgreementDoc = {
      _id: 'a1',
      caseId: 'c1',
      courtId: 'bj-chaoyang',
      title: '调解协议',
      terms: ['被告于十日内支付工资'],
      signatories: [
        { userId: 'u1', name: '原告甲' },
        { userId: 'u2', name: '被告乙' },
      ],
      drafter: { userId: 'm1', name: '调解员', role: 'mediator', courtId: 'bj-chaoyang' },
      pdfId: 'f1',
      documentSha256: 'a'.repeat(64),
      size: 1234,
      status: 'draft',
      createdAt: '2026-12-04T10:00:00.000Z',
    };
    const signature: SignatureDoc = {
      _id: 'a1:u1',
      agreementId: 'a1',
      userId: 'u1',
      signedAt: '2026-12-04T11:00:00.000Z',
      documentSha256: 'a'.repeat(64),
      signature: 'b'.repeat(64),
      session: {},
    };
    const view = agreementView(draft, [signature]);
    expect(agreementViewSchema.strict().parse(view)).toEqual(view);
    expect(view.signatories).toEqual([{ userId: 'u1', name: '原告甲', signedAt: '2026-12-04T11:00:00.000Z' }, { userId: 'u2', name: '被告乙' }]);
    expect(view.pdf).toBe('/api/agreements/a1/pdf');
    expect('signedPdf' in view).toBe(false);
  });
});

describe('hearing views', () => {
  it('are what the client reads, with the participants as scheduled', () => {
    expectTypeOf<clientTypes.Hearing>().toEqualTypeOf<HearingRecord>();
    expectTypeOf<HearingRecord['participants'][number]>().toEqualTypeOf<HearingParticipant>();
  });
});

describe('notification views', () => {
  it('are what the server renders and OpenAPI documents', () => {
    expectTypeOf<ReturnType<typeof notificationView>>().toEqualTypeOf<NotificationView>();
    expectTypeOf<z.infer<typeof notificationViewSchema>>().toEqualTypeOf<NotificationView>();
    expectTypeOf<clientTypes.NotificationView>().toEqualTypeOf<NotificationView>();
  });
});
