/**
 * Putting the court's own documents (notices, summonses, service receipts) on the case file.
 * They are stored in GridFS like any upload and listed on the case with kind 'courtDocument';
 * the listing changes only through a case command (cases/caseCommands.ts), as every case change does.
 */
import { causeOfAction } from '../../state-machines/rules/data/causesOfAction.js';
import type { CaseDoc, StoredDocument } from '../cases/caseModel.js';
import type { DocumentKind } from '../cases/materialCheck.js';
import { findCourt } from '../courts/courtModel.js';
import { DocumentStore } from '../documents/documentStore.js';
import { generateCourtDocument, type CourtDocument, type CourtDocumentKind } from '../documents/courtDocuments.js';
import { errors } from '../errors.js';
import { accessCodesFor } from '../cases/defendantAccess.js';
import { hearingModel, type HearingDoc } from '../hearings/hearingModel.js';
import { userModel } from '../users/userModel.js';
import type { ServiceDeps } from './serviceDeps.js';
import { insertOnce, type VerifiableDoc } from './serviceModels.js';

/** The case-file kind of documents the court issues itself. */
export const COURT_DOCUMENT = 'courtDocument';

const CAUSE_ZH: Record<string, string> = {
  property: '财产纠纷',
  divorce: '离婚纠纷',
  personality: '人格权纠纷',
  nonProperty: '非财产纠纷',
  ipNoAmount: '知识产权纠纷',
  labour: '劳动争议',
};

export interface FiledDocument {
  stored: StoredDocument;
  courtNameZh: string;
  caseNumber: string;
}

export class CourtDocumentFiling {
  constructor(private readonly deps: ServiceDeps) {}

  async courtName(courtId: string): Promise<string> {
    return (await findCourt(this.deps.connection, courtId))?.nameZh ?? courtId;
  }

  async hearingOf(caseId: string, hearingId: string): Promise<HearingDoc> {
    const hearing = await hearingModel(this.deps.connection).findById(hearingId).lean<HearingDoc>().exec();
    if (!hearing || hearing.caseId !== caseId) throw errors.notFound('The hearing', 'HEARING_NOT_FOUND');
    return hearing;
  }

  /** Draw one court document from the case as it is now. */
  async draw(doc: CaseDoc, kind: CourtDocumentKind, addressees: string[], hearingId?: string): Promise<CourtDocument> {
    if (!doc.caseNumber) throw errors.invalidState('The case has no case number yet: it must be docketed first.', 'CASE_NOT_DOCKETED');
    if (kind === 'feeNotice' && !doc.fee) throw errors.invalidState('The case has no fee to give notice of.', 'NO_FEE');
    let hearing: HearingDoc | undefined;
    if (kind === 'summons') {
      if (!hearingId) throw errors.validation('A summons needs the hearing it summons to (hearingId).', undefined, 'HEARING_REQUIRED');
      hearing = await this.hearingOf(doc._id, hearingId);
    }
    const filer = await userModel(this.deps.connection).findById(doc.filerId).lean().exec().catch(() => null);
    const plaintiff = filer?.name ?? '原告';
    const base = this.deps.publicUrl();
    return generateCourtDocument({
      kind,
      courtNameZh: await this.courtName(doc.courtId),
      caseNumber: doc.caseNumber,
      // The cause the filer chose from the list; older cases fall back to their fee type.
      causeZh: (doc.causeOfAction ? causeOfAction(doc.causeOfAction)?.zh : undefined) ?? CAUSE_ZH[doc.caseType] ?? '民事纠纷',
      plaintiffs: [plaintiff],
      defendants: doc.defendants.map((d) => d.name),
      addressees: addressees.length > 0 ? addressees : [plaintiff],
      issuedAt: this.deps.now().toISOString(),
      ...(doc.fee
        ? {
            fee: {
              amount: doc.fee.amount,
              breakdown: doc.fee.breakdown.map((b) => ({ labelZh: b.labelZh, amount: b.amount })),
              ...(doc.snapshot.context.deadlines.feeDueBy ? { dueBy: doc.snapshot.context.deadlines.feeDueBy } : {}),
            },
          }
        : {}),
      ...(hearing ? { hearing: { kind: hearing.kind, startsAt: hearing.startsAt, joinUrl: `${base}/hearings/${hearing._id}` } } : {}),
      verifyBaseUrl: base,
      ...(this.deps.seal ? { seal: this.deps.seal } : {}),
      // The defendant's proof of who they are on this case (cases/defendantAccess.ts).
      ...(kind === 'summons' || kind === 'evidenceNotice' ? { accessCodes: accessCodesFor(doc, addressees, this.deps.cipher) } : {}),
    });
  }

  /** Store a PDF the court issued and list it on the case; the entry `type` says why it was filed. */
  async file(
    caseId: string,
    pdf: { filename: string; bytes: Buffer; title: string; documentType: string; contentHash?: string; carriesAccessCode?: boolean; hearingId?: string },
    entry: { type: string; actor: { userId: string; role: string }; data: Record<string, unknown> },
  ): Promise<FiledDocument> {
    const checked = DocumentStore.check({ field: COURT_DOCUMENT, filename: pdf.filename, bytes: pdf.bytes });
    const at = this.deps.now().toISOString();
    const info = await this.deps.documents.put(checked, {
      caseId,
      kind: COURT_DOCUMENT,
      documentType: pdf.documentType,
      uploadedBy: entry.actor.userId,
      ...(pdf.contentHash ? { contentHash: pdf.contentHash } : {}),
    });
    const stored = {
      id: info.id,
      // The case file lists what the court issued beside what parties uploaded; the kinds a
      // party may upload (materialCheck.DocumentKind) do not include it.
      kind: COURT_DOCUMENT as DocumentKind,
      filename: pdf.filename,
      sha256: info.sha256,
      size: info.size,
      mediaType: info.mediaType,
      readable: checked.readable,
      uploadedAt: at,
      uploadedBy: entry.actor.userId,
      documentType: pdf.documentType,
      title: pdf.title,
      ...(pdf.contentHash ? { contentHash: pdf.contentHash } : {}),
      // Only the court and the addressee may see a document carrying an access code (caseView.visibleDocuments).
      ...(pdf.carriesAccessCode ? { carriesAccessCode: true } : {}),
      ...(pdf.hearingId ? { hearingId: pdf.hearingId } : {}),
    } satisfies StoredDocument & Record<string, unknown>;
    try {
      const doc = await this.deps.cases.commands.apply(caseId, (current) => ({
        entry: {
          type: entry.type,
          actor: entry.actor,
          at,
          data: { ...entry.data, document: { id: stored.id, kind: stored.kind, documentType: pdf.documentType, filename: stored.filename, sha256: stored.sha256, size: stored.size } },
        },
        fields: { documents: [...current.documents, stored] },
      }));
      return { stored, courtNameZh: await this.courtName(doc.courtId), caseNumber: doc.caseNumber ?? '' };
    } catch (err) {
      await this.deps.documents.remove([info.id]);
      throw err;
    }
  }

  /** Make a document answerable by GET /api/verify/:hash. Registering the same file twice is harmless. */
  async registerVerifiable(doc: VerifiableDoc): Promise<void> {
    await insertOnce(this.deps.models.verifiable, doc);
  }
}
