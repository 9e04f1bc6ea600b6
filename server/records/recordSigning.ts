import type { HearingRecordView, RecordActKind } from '../../protocol/recordViews.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import { isDuplicateKey } from '../cases/caseStore.js';
import type { DocumentStore } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import { AppError, errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { deriveSignatureKey, signFields } from '../agreements/signatures.js';
import type { CourtDocumentFiling } from '../service/courtDocumentFiling.js';
import { Reauthentication } from '../users/reauthentication.js';
import type { Connection } from 'mongoose';
import { signatoriesOf, type RecordContext } from './recordAccess.js';
import { actId, type RecordActDoc, type RecordDoc } from './recordModel.js';
import { renderRecordPdf, RECORD_TITLES } from './recordPdf.js';
import type { RecordService } from './recordService.js';
import { objectionSha256, recordTextSha256, ROLE_ZH } from './recordText.js';

export interface RecordSigningDeps {
  connection: Connection;
  records: RecordService;
  cases: CaseService;
  /** Files court documents on the case and makes them verifiable (server/service). */
  filing: CourtDocumentFiling;
  /** The application's document store (it reads what the filing stored, encrypted or not). */
  documents: DocumentStore;
  logger: Logger;
  jwtSecret: string;
  now: () => Date;
  publicUrl: () => string;
  seal?: PdfSeal;
}

export interface RecordActInput {
  kind: RecordActKind;
  /** The hash of the text the party was shown (HearingRecordView.textSha256). */
  textSha256: string;
  password?: string;
  objection?: string;
}

/** The document type of a filed record on the case file. */
export const HEARING_RECORD_DOCUMENT = 'hearingRecord';

/**
 * After the hearing: each party reads the record and signs it or writes an objection, after
 * entering their password again (the platform's one way of signing, as for agreements); the
 * clerk then closes it, which files it on the case as a PDF under the court's signature.
 */
export class RecordSigning {
  private readonly key: Buffer;
  private readonly reauthentication: Reauthentication;

  constructor(private readonly deps: RecordSigningDeps) {
    this.key = deriveSignatureKey(deps.jwtSecret);
    this.reauthentication = new Reauthentication(deps.connection, 'record-sign');
  }

  async act(user: AuthUser, hearingId: string, input: RecordActInput, session: RecordActDoc['session']): Promise<HearingRecordView> {
    const { records } = this.deps;
    const ctx = await records.access.context(user, hearingId);
    const signatory = signatoriesOf(ctx.hearing).find((s) => s.userId === user.id);
    if (!signatory) throw errors.forbidden('Only the parties summoned to the hearing sign its record.', 'NOT_A_RECORD_SIGNATORY');
    if (ctx.state !== 'closed') throw errors.conflict('The record is signed once the hearing has ended.', 'HEARING_NOT_ENDED');
    const record = await records.ensureRecord(ctx);
    if (record.state !== 'open') throw errors.conflict('The record has been filed.', 'RECORD_FILED');
    if (await records.acts.exists({ _id: actId(hearingId, user.id) })) throw errors.conflict('You have already signed or objected to this record.', 'RECORD_ALREADY_SIGNED');
    await this.reauthentication.confirm(user, input.password, session.ip ?? 'unknown', 'the record');
    const current = recordTextSha256(await records.paragraphsOf(hearingId));
    if (input.textSha256 !== current) throw textChanged();
    // Fix the text: from now on no paragraph changes (RecordService.write checks this after writing, too).
    const frozen = await records.records.updateOne({ _id: hearingId, $or: [{ frozenSha256: { $exists: false } }, { frozenSha256: null }, { frozenSha256: current }] }, { $set: { frozenSha256: current } }).exec();
    if (frozen.matchedCount === 0) throw textChanged();
    const at = this.deps.now().toISOString();
    const objection = input.kind === 'objected' ? (input.objection ?? '') : undefined;
    const boundSha256 = objection !== undefined ? objectionSha256(current, objection) : current;
    const act: RecordActDoc = {
      _id: actId(hearingId, user.id),
      hearingId,
      userId: user.id,
      name: signatory.name,
      kind: input.kind,
      at,
      textSha256: current,
      ...(objection !== undefined ? { objection } : {}),
      // The record's id in the agreement signature's first field: the HMAC binds record, signer, time and hash.
      signature: signFields(this.key, { agreementId: `record:${hearingId}`, userId: user.id, signedAt: at, documentSha256: boundSha256 }),
      boundSha256,
      session,
      reauthenticatedBy: 'password',
    };
    try {
      await records.acts.collection.insertOne(act as never);
    } catch (err) {
      if (isDuplicateKey(err)) throw errors.conflict('You have already signed or objected to this record.', 'RECORD_ALREADY_SIGNED');
      throw err;
    }
    await this.deps.cases
      .recordNote(ctx.hearing.caseId, input.kind === 'signed' ? 'HEARING_RECORD_SIGNED' : 'HEARING_RECORD_OBJECTED', { userId: user.id, role: 'party' }, {
        hearingId,
        at,
        textSha256: current,
        ...(objection !== undefined ? { objection } : {}),
        signature: act.signature,
        reauthenticatedBy: 'password',
      })
      .catch((err: unknown) => this.deps.logger.error({ err, hearingId, userId: user.id }, 'a record signature could not be noted in the case log'));
    return records.viewOf(ctx);
  }

  /** The clerk closes the record once every party has signed or objected: drawn, sealed, filed and made verifiable. */
  async close(user: AuthUser, hearingId: string): Promise<HearingRecordView> {
    const { records } = this.deps;
    const ctx = await records.access.context(user, hearingId);
    records.access.assertWriter(user, ctx);
    if (ctx.state !== 'closed') throw errors.conflict('The record is closed after the hearing has ended.', 'HEARING_NOT_ENDED');
    const view = await records.viewOf(ctx);
    if (view.status === 'filed') throw errors.conflict('The record has been filed.', 'RECORD_FILED');
    const acted = new Set(view.acts.map((a) => a.userId));
    const pending = view.signatories.filter((s) => !acted.has(s.userId));
    if (pending.length > 0) throw new AppError('invalidState', 'RECORD_SIGNATURES_PENDING', 'Every party must sign or object before the record is closed.', { pending });
    // One close at a time: the claim decides who draws and files.
    const claimed = await records.records.findOneAndUpdate({ _id: hearingId, state: 'open' }, { $set: { state: 'filing' } }).lean<RecordDoc>().exec();
    if (!claimed) throw errors.conflict('The record is being filed or has been filed.', 'RECORD_FILED');
    try {
      await this.file(user, ctx, view);
    } catch (err) {
      await records.records.updateOne({ _id: hearingId, state: 'filing' }, { $set: { state: 'open' } }).exec();
      throw err;
    }
    return records.viewOf(ctx);
  }

  private async file(user: AuthUser, ctx: RecordContext, view: HearingRecordView): Promise<void> {
    const { hearing, caseDoc } = ctx;
    const filedAt = this.deps.now().toISOString();
    const title = RECORD_TITLES[hearing.kind];
    const bytes = await renderRecordPdf({
      courtNameZh: await this.deps.filing.courtName(caseDoc.courtId),
      ...(caseDoc.caseNumber ? { caseNumber: caseDoc.caseNumber } : {}),
      kind: hearing.kind,
      hearingId: hearing._id,
      startsAt: hearing.startsAt,
      participants: hearing.participants.map((p) => ({ name: p.name, roleZh: ROLE_ZH[p.role] })),
      paragraphs: view.paragraphs,
      acts: view.acts,
      textSha256: view.textSha256,
      clerkName: user.name,
      filedAt,
      verifyBaseUrl: this.deps.publicUrl(),
      ...(this.deps.seal ? { seal: this.deps.seal } : {}),
    });
    const role = user.roles.find((r) => r === 'clerk' || r === 'judge' || r === 'mediator') ?? 'clerk';
    const filed = await this.deps.filing.file(
      caseDoc._id,
      { filename: `hearing-record-${hearing._id}.pdf`, bytes, title, documentType: HEARING_RECORD_DOCUMENT, contentHash: view.textSha256, hearingId: hearing._id },
      {
        type: 'HEARING_RECORD_FILED',
        actor: { userId: user.id, role },
        data: { hearingId: hearing._id, title, textSha256: view.textSha256, acts: view.acts.map((a) => ({ userId: a.userId, kind: a.kind, at: a.at, textSha256: a.textSha256 })) },
      },
    );
    await this.deps.filing.registerVerifiable({
      _id: filed.stored.sha256,
      contentHash: view.textSha256,
      type: 'courtDocument',
      caseId: caseDoc._id,
      caseNumber: filed.caseNumber,
      courtNameZh: filed.courtNameZh,
      title,
      documentId: filed.stored.id,
      issuedAt: filedAt,
    });
    await this.deps.records.records
      .updateOne({ _id: hearing._id }, { $set: { state: 'filed', filed: { documentId: filed.stored.id, sha256: filed.stored.sha256, filedAt, by: user.id } } })
      .exec();
  }

  /** The filed PDF, for whoever may read the record. */
  async pdf(user: AuthUser, hearingId: string): Promise<{ bytes: Buffer; sha256: string }> {
    const { records } = this.deps;
    const ctx = await records.access.context(user, hearingId);
    records.access.assertMayRead(ctx);
    const record = await records.records.findById(hearingId).lean<RecordDoc>().exec();
    if (record?.state !== 'filed' || !record.filed) throw errors.conflict('The record has not been filed yet.', 'RECORD_NOT_FILED');
    return { bytes: await this.deps.documents.read(record.filed.documentId), sha256: record.filed.sha256 };
  }
}

function textChanged(): AppError {
  return errors.conflict('The record changed since you read it. Read it again before signing.', 'RECORD_TEXT_CHANGED');
}

