/**
 * Demo data: the seed courts and the staff of the demo court 北京市朝阳区人民法院. Idempotent:
 * running it again converges to the same state without duplicates, and a password hash is
 * only replaced when it no longer matches the demo password (scrypt is deliberately slow,
 * and rewriting an unchanged account would churn the database for nothing).
 */
import type { Connection } from 'mongoose';
import { SEED_COURTS } from '../state-machines/rules/data/courts.js';
import { DEFAULT_COURT_FEE_CONFIG } from '../state-machines/rules/fees.js';
import { idCheckCharacter } from '../state-machines/rules/idNumber.js';
import { hashPassword, needsRehash, verifyPassword } from './auth/passwords.js';
import type { Role } from './auth/tokens.js';
import { courtModel, toStoredFeeConfig } from './courts/courtModel.js';
import type { PersonalDataCipher } from './privacy/personalData.js';
import { readyUserModel, type UserDoc } from './users/userModel.js';
import { createStaffUser, isDuplicateKeyError } from './users/userService.js';

export const DEMO_COURT_ID = 'bj-chaoyang';
export const DEMO_PASSWORD = 'demo-password-1';
/** A demonstration account only: a real court enters its own in the court settings. */
export const DEMO_PAYEE = { accountName: '北京市朝阳区人民法院（演示）', bank: '演示银行北京朝阳支行', accountNumber: '6200 0000 0000 0105' };

export interface DemoStaff {
  role: Role;
  /** A platform administrator: role admin without a court; creates courts. */
  platform?: true;
  name: string;
  phone: string;
  idNumber: string;
}

/**
 * Synthetic but checksum-valid ID numbers: 朝阳区 (110105), born 1990-01-01, sequence 00n.
 * They are demo accounts only; a real deployment creates its staff through administration.
 */
function demoIdNumber(sequence: number): string {
  const first17 = `11010519900101${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  { role: 'admin', name: '管理员', phone: '13800000000', idNumber: demoIdNumber(1) },
  { role: 'clerk', name: '书记员', phone: '13800000001', idNumber: demoIdNumber(2) },
  { role: 'judge', name: '审判员', phone: '13800000002', idNumber: demoIdNumber(3) },
  { role: 'mediator', name: '调解员', phone: '13800000003', idNumber: demoIdNumber(4) },
  { role: 'admin', name: '平台管理员', phone: '13800000009', idNumber: demoIdNumber(9), platform: true },
];

export interface SeedReport {
  courts: { id: string; action: 'created' | 'updated' | 'unchanged' }[];
  staff: { phone: string; role: Role; action: 'created' | 'updated' | 'unchanged' }[];
}

async function seedCourts(connection: Connection): Promise<SeedReport['courts']> {
  const model = courtModel(connection);
  await model.init();
  const report: SeedReport['courts'] = [];
  for (const court of SEED_COURTS) {
    const result = await model.updateOne(
      { _id: court.id },
      {
        $set: { code: court.code, nameZh: court.nameZh, nameEn: court.nameEn },
        // Fees are only defaulted on creation: a court's administrator may have set the
        // province's actual amounts since, and a re-seed must not undo that.
        $setOnInsert: { feeConfig: toStoredFeeConfig({ ...DEFAULT_COURT_FEE_CONFIG, rounding: court.feeRounding }) },
      },
      { upsert: true },
    );
    // The demo court gets a demo payee account once; an administrator's own settings are kept.
    const payee = court.id === DEMO_COURT_ID ? await model.updateOne({ _id: court.id, payee: { $exists: false } }, { $set: { payee: DEMO_PAYEE } }) : undefined;
    const changed = result.modifiedCount > 0 || (payee?.modifiedCount ?? 0) > 0;
    const action = result.upsertedCount > 0 ? 'created' : changed ? 'updated' : 'unchanged';
    report.push({ id: court.id, action });
  }
  return report;
}

/** Brings an existing account back to the demo definition, touching only what differs. */
async function reconcileStaff(
  existing: UserDoc,
  staff: DemoStaff,
  cipher: PersonalDataCipher,
): Promise<Partial<UserDoc>> {
  const changes: Partial<UserDoc> = {};
  if (existing.name !== staff.name) changes.name = staff.name;
  if (existing.roles.length !== 1 || existing.roles[0] !== staff.role) changes.roles = [staff.role];
  if (!staff.platform && existing.courtId !== DEMO_COURT_ID) changes.courtId = DEMO_COURT_ID;
  const idNumberHash = cipher.lookupHash('idNumber', staff.idNumber);
  if (existing.idNumberHash !== idNumberHash) {
    changes.idNumberHash = idNumberHash;
    changes.idNumberEnc = cipher.encrypt(staff.idNumber);
  }
  if (needsRehash(existing.passwordHash) || !(await verifyPassword(DEMO_PASSWORD, existing.passwordHash))) {
    changes.passwordHash = await hashPassword(DEMO_PASSWORD);
  }
  return changes;
}

async function seedStaff(connection: Connection, cipher: PersonalDataCipher): Promise<SeedReport['staff']> {
  const model = await readyUserModel(connection);
  const report: SeedReport['staff'] = [];
  for (const staff of DEMO_STAFF) {
    const phoneHash = cipher.lookupHash('phone', staff.phone);
    let existing = await model.findOne({ phoneHash }).lean<UserDoc>().exec();
    if (!existing) {
      try {
        await createStaffUser(
          { connection, cipher },
          { name: staff.name, idNumber: staff.idNumber, phone: staff.phone, password: DEMO_PASSWORD, roles: [staff.role], ...(staff.platform ? {} : { courtId: DEMO_COURT_ID }) },
        );
        report.push({ phone: staff.phone, role: staff.role, action: 'created' });
        continue;
      } catch (err) {
        // Another seed run created it between our read and our insert: reconcile that one.
        const raced = isDuplicateKeyError(err) || (err as { code?: string }).code === 'PHONE_TAKEN';
        if (!raced) throw err;
        existing = await model.findOne({ phoneHash }).lean<UserDoc>().exec();
        if (!existing) throw err;
      }
    }
    const changes = await reconcileStaff(existing, staff, cipher);
    if (Object.keys(changes).length > 0) await model.updateOne({ _id: existing._id }, { $set: changes });
    report.push({ phone: staff.phone, role: staff.role, action: Object.keys(changes).length > 0 ? 'updated' : 'unchanged' });
  }
  return report;
}

export async function seedDemoData(connection: Connection, cipher: PersonalDataCipher): Promise<SeedReport> {
  const courts = await seedCourts(connection);
  const staff = await seedStaff(connection, cipher);
  return { courts, staff };
}
