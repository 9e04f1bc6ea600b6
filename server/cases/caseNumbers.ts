import { Schema, type Connection, type Model } from 'mongoose';
import { renderCaseNumber, type CaseNumber } from '../../state-machines/rules/caseNumber.js';
import { isDuplicateKey } from './caseStore.js';

interface CounterDoc {
  _id: string;
  seq: number;
}

/** One document per issued number; its _id is the rendered number, so no number can exist twice. */
interface IssuedNumberDoc {
  _id: string;
  counter: string;
  seq: number;
  caseId: string;
  issuedAt: string;
}

const counterSchema = new Schema<CounterDoc>({ _id: String, seq: Number }, { versionKey: false });
const issuedSchema = new Schema<IssuedNumberDoc>(
  { _id: String, counter: String, seq: Number, caseId: String, issuedAt: String },
  { versionKey: false },
);

function counterModel(connection: Connection): Model<CounterDoc> {
  return (
    (connection.models.CaseNumberCounter as Model<CounterDoc> | undefined) ??
    connection.model<CounterDoc>('CaseNumberCounter', counterSchema, 'case_number_counters')
  );
}

function issuedModel(connection: Connection): Model<IssuedNumberDoc> {
  return (
    (connection.models.IssuedCaseNumber as Model<IssuedNumberDoc> | undefined) ??
    connection.model<IssuedNumberDoc>('IssuedCaseNumber', issuedSchema, 'case_numbers')
  );
}

/** Under heavy contention a caller may lose a few claims in a row; beyond this something is wrong. */
const MAX_ATTEMPTS = 200;

/**
 * Issues case numbers: a counter per (court, special code, type code,
 * receiving year) proposes the next sequence number, so numbers restart at 1
 * each year; claiming the rendered number in `case_numbers` (unique _id)
 * decides. The claim is what guarantees uniqueness: some MongoDB-compatible
 * servers (FerretDB 1.x) do not make concurrent $inc atomic, and a loser of a
 * race simply takes the next number. Never counts documents.
 */
export async function issueCaseNumber(
  connection: Connection,
  key: { year: number; courtCode: string; specialCode?: string; typeCode: string },
  caseId: string,
  issuedAt: string,
): Promise<{ caseNumber: string; parts: CaseNumber }> {
  const counters = counterModel(connection);
  const issued = issuedModel(connection);
  const counterId = [key.courtCode, key.specialCode ?? '', key.typeCode, key.year].join('|');
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let counter: CounterDoc | null;
    try {
      counter = await counters
        .findOneAndUpdate({ _id: counterId }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
        .lean<CounterDoc>()
        .exec();
    } catch (err) {
      // Two first-of-the-year upserts race to create the counter; the loser tries again.
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    if (!counter) throw new Error('case number counter was not returned');
    const parts: CaseNumber = { ...key, seq: counter.seq };
    const caseNumber = renderCaseNumber(parts);
    try {
      await issued.create({ _id: caseNumber, counter: counterId, seq: counter.seq, caseId, issuedAt });
      return { caseNumber, parts };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error(`could not issue a case number for ${counterId} after ${MAX_ATTEMPTS} attempts`);
}
