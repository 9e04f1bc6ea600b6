/**
 * Courts. The id (e.g. 'bj-chaoyang') is the document _id because it is referenced from
 * users and cases and never changes; the court code (法院代字) is data because it can
 * (see state-machines/rules/data/courts.ts). Fee amounts are stored as decimal strings,
 * never as binary floats.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { Decimal } from 'decimal.js';
import type { CourtFeeConfig } from '../../state-machines/rules/fees.js';

export interface StoredFeeConfig {
  rounding: 'fen' | 'yuan';
  divorce: string;
  personality: string;
  nonProperty: string;
  ipNoAmount: string;
  enforcementNoAmount: string;
}

/** The account court fees are paid into (the court's 诉讼费 account, or the 财政 account it names). */
export interface PayeeAccount {
  accountName: string;
  bank: string;
  accountNumber: string;
}

/** How people reach the court. */
export interface CourtContact {
  phone?: string;
  address?: string;
  email?: string;
}

export interface CourtDoc {
  _id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  feeConfig: StoredFeeConfig;
  /** Automatic docketing (issue 19): a filing whose reading review finds nothing is docketed without a clerk. Off unless set. */
  autoDocket?: boolean;
  payee?: PayeeAccount;
  contact?: CourtContact;
  createdAt?: string;
}

export interface Court {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  feeConfig: CourtFeeConfig;
  autoDocket: boolean;
  payee?: PayeeAccount;
  contact?: CourtContact;
}

export type CourtModel = Model<CourtDoc>;

const amount = { type: String, required: true, match: /^\d+(\.\d{1,2})?$/ };

const feeConfigSchema = new Schema<StoredFeeConfig>(
  {
    rounding: { type: String, enum: ['fen', 'yuan'], required: true },
    divorce: amount,
    personality: amount,
    nonProperty: amount,
    ipNoAmount: amount,
    enforcementNoAmount: amount,
  },
  { _id: false },
);

const courtSchema = new Schema<CourtDoc>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    nameZh: { type: String, required: true },
    nameEn: { type: String, required: true },
    feeConfig: { type: feeConfigSchema, required: true },
    autoDocket: { type: Boolean, required: false },
    payee: { type: new Schema<PayeeAccount>({ accountName: String, bank: String, accountNumber: String }, { _id: false }), required: false },
    contact: { type: new Schema<CourtContact>({ phone: String, address: String, email: String }, { _id: false }), required: false },
    createdAt: { type: String, required: false },
  },
  { collection: 'courts', versionKey: false },
);
courtSchema.index({ code: 1 }, { unique: true, name: 'code_unique' });

export function courtModel(connection: Connection): CourtModel {
  return (connection.models.Court as CourtModel | undefined) ?? connection.model<CourtDoc>('Court', courtSchema);
}

// toFixed() never switches to exponent notation, which the stored pattern would reject.
const amountText = (v: Decimal.Value): string => new Decimal(v).toFixed();

/** Decimal.Value accepts strings, so what is read back is a CourtFeeConfig as it is. */
export function toStoredFeeConfig(config: CourtFeeConfig): StoredFeeConfig {
  return {
    rounding: config.rounding,
    divorce: amountText(config.divorce),
    personality: amountText(config.personality),
    nonProperty: amountText(config.nonProperty),
    ipNoAmount: amountText(config.ipNoAmount),
    enforcementNoAmount: amountText(config.enforcementNoAmount),
  };
}

export async function findCourt(connection: Connection, id: string): Promise<Court | null> {
  return toCourt(await courtModel(connection).findById(id).lean<CourtDoc>().exec());
}

/** A court named by its id ('bj-chaoyang') or by its court code (法院代字), as a filer may give either. */
export async function findCourtByIdOrCode(connection: Connection, idOrCode: string): Promise<Court | null> {
  return (await findCourt(connection, idOrCode)) ?? toCourt(await courtModel(connection).findOne({ code: idOrCode }).lean<CourtDoc>().exec());
}

/** Every court, by name: the filing form offers them (GET /api/courts). */
export async function listCourts(connection: Connection): Promise<Court[]> {
  const docs = await courtModel(connection).find({}).sort({ _id: 1 }).limit(1000).lean<CourtDoc[]>().exec();
  return docs.map((d) => toCourt(d)).filter((c): c is Court => c !== null);
}

export function toCourt(doc: CourtDoc | null): Court | null {
  if (!doc) return null;
  const { rounding, divorce, personality, nonProperty, ipNoAmount, enforcementNoAmount } = doc.feeConfig;
  return {
    id: doc._id,
    code: doc.code,
    nameZh: doc.nameZh,
    nameEn: doc.nameEn,
    feeConfig: { rounding, divorce, personality, nonProperty, ipNoAmount, enforcementNoAmount },
    autoDocket: doc.autoDocket === true,
    ...(doc.payee ? { payee: doc.payee } : {}),
    ...(doc.contact ? { contact: doc.contact } : {}),
  };
}

/** Turns a court's automatic docketing on or off; false when there is no such court. */
export async function setAutoDocket(connection: Connection, courtId: string, on: boolean): Promise<boolean> {
  const result = await courtModel(connection).updateOne({ _id: courtId }, { $set: { autoDocket: on } }).exec();
  return result.matchedCount === 1;
}
