/**
 * How an account becomes a defendant of a case: only through proof the court gave.
 *
 *  - At docketing each defendant gets a one-time access code (案件查阅码). It is printed on the
 *    court's documents to that defendant (the summons, the notice on evidence), which reach
 *    the real person through service. Entering it (POST /api/cases/claim) binds the account.
 *  - Or a clerk of the court, having checked the person's identity, confirms the account.
 *
 * An account carrying the same ID number as the complaint is never enough: anyone can type
 * an ID number, so that proved nothing. Each binding is a case-log entry (DEFENDANT_BOUND).
 */
import crypto from 'node:crypto';
import type { AuthUser } from '../auth/tokens.js';
import { errors, type AppError } from '../errors.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import { findUserById } from '../users/userService.js';
import type { Connection } from 'mongoose';
import type { CaseDoc, StoredDefendant } from './caseModel.js';
import type { CaseCommands } from './caseCommands.js';
import type { CaseStore } from './caseStore.js';

// No 0/O, 1/I/L, so a code read off paper is typed right.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;
export const ACCESS_CODE_PATTERN = /^[A-Za-z0-9\s-]{12,20}$/;

export function newAccessCode(): string {
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += ALPHABET[crypto.randomInt(0, ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** Defendants with an access code each, except those already bound or already holding one. */
export function withAccessCodes(defendants: StoredDefendant[], cipher: PersonalDataCipher): StoredDefendant[] {
  return defendants.map((d) => {
    if (d.userId || d.accessCodeHash) return d;
    const code = newAccessCode();
    return { ...d, accessCodeEnc: cipher.encrypt(code), accessCodeHash: cipher.lookupHash('accessCode', code) };
  });
}

/** The codes to print on a document addressed to `addressees` (defendant names): unbound defendants only. */
export function accessCodesFor(doc: CaseDoc, addressees: string[], cipher: PersonalDataCipher): { name: string; code: string }[] {
  return doc.defendants.flatMap((d) =>
    d.accessCodeEnc && !d.userId && addressees.includes(d.name) ? [{ name: d.name, code: cipher.decrypt(d.accessCodeEnc) }] : [],
  );
}

const CLERK_ROLES = ['clerk'];

export interface DefendantAccessDeps {
  connection: Connection;
  store: CaseStore;
  /** Each binding is a case command (caseCommands.ts). */
  commands: CaseCommands;
  cipher: PersonalDataCipher;
  now: () => Date;
}

export class DefendantAccess {
  constructor(private readonly deps: DefendantAccessDeps) {}

  /** The defendant enters the code from the court's document; the account becomes that defendant. */
  async claim(user: AuthUser, code: string): Promise<CaseDoc> {
    if (!user.roles.includes('party')) throw errors.forbidden('Court staff do not claim cases.', 'NOT_A_PARTY');
    const hash = this.deps.cipher.lookupHash('accessCode', code);
    const invalid = () => errors.validation('This access code is not valid or was already used. Check it against the court document, or ask the court.', { messageZh: '查阅码无效或已使用，请核对法院文书或联系法院。' }, 'ACCESS_CODE_INVALID');
    return this.bind(
      async () => {
        const doc = await this.deps.store.model.findOne({ 'defendants.accessCodeHash': hash }, { _id: 1 }).lean<{ _id: string }>().exec();
        return doc ? this.deps.store.get(doc._id) : null;
      },
      (doc) => {
        const index = doc.defendants.findIndex((d) => d.accessCodeHash === hash);
        if (index < 0) throw invalid();
        if (doc.filerId === user.id) throw errors.forbidden('The party who filed a case cannot also be its defendant.', 'CANNOT_CLAIM_OWN_CASE');
        return index;
      },
      user.id,
      { via: 'accessCode', by: { userId: user.id, role: 'party' }, name: user.name },
      invalid,
    );
  }

  /** A clerk of the court, having checked the person's identity, confirms their account as a defendant. */
  async confirmByClerk(clerk: AuthUser, caseId: string, index: number, input: { userId: string; identityCheck: string; replace?: boolean }): Promise<CaseDoc> {
    const notFound = () => errors.notFound('The case', 'CASE_NOT_FOUND');
    const target = await findUserById(this.deps, input.userId);
    if (!target || !target.roles.includes('party')) throw errors.validation('There is no party account with this id.', undefined, 'UNKNOWN_USER');
    if (target.deactivatedAt) throw errors.validation('This account is deactivated.', undefined, 'UNKNOWN_USER');
    return this.bind(
      () => this.deps.store.get(caseId),
      (doc) => {
        if (doc.courtId !== clerk.courtId || !clerk.roles.some((r) => CLERK_ROLES.includes(r))) {
          // Staff of another court learn nothing about the case.
          if (clerk.courtId !== doc.courtId) throw notFound();
          throw errors.forbidden('Only a clerk of the court confirms a defendant.', 'NOT_CLERK_OF_COURT');
        }
        const d = doc.defendants[index];
        if (!d) throw errors.notFound('The defendant', 'DEFENDANT_NOT_FOUND');
        if (doc.filerId === input.userId) throw errors.validation('The party who filed a case cannot also be its defendant.', undefined, 'CANNOT_CLAIM_OWN_CASE');
        if (d.userId && d.userId !== input.userId && !input.replace) {
          throw errors.conflict('Another account is already confirmed as this defendant; send replace: true to move it after checking.', 'DEFENDANT_ALREADY_BOUND');
        }
        return index;
      },
      input.userId,
      { via: 'clerk', by: { userId: clerk.id, role: 'clerk' }, identityCheck: input.identityCheck },
      notFound,
    );
  }

  /** Takes a defendant away from an account (identity review moved its ID number to someone else). */
  /** Takes every defendant role `userId` holds off its cases (an identity review moved its ID number: users/identityReview.ts). */
  async unbindEverywhere(userId: string, actor: { userId: string; role: string }, reason: Record<string, unknown>): Promise<void> {
    const cases = await this.deps.store.model.find({ 'defendants.userId': userId }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    for (const c of cases) await this.unbindUser(c._id, userId, actor, reason);
  }

  async unbindUser(caseId: string, userId: string, actor: { userId: string; role: string }, reason: Record<string, unknown>): Promise<void> {
    await this.deps.commands.run(
      caseId,
      (doc) => {
        const indexes = doc.defendants.flatMap((d, i) => (d.userId === userId ? [i] : []));
        if (indexes.length === 0) return null;
        // A fresh code for the court to print, so the real person can still claim the case.
        const defendants = withAccessCodes(doc.defendants.map((d) => (d.userId === userId ? stripBinding(d) : d)), this.deps.cipher);
        return { entry: { type: 'DEFENDANT_UNBOUND', actor, data: { defendants: indexes, userId, ...reason } }, fields: { defendants } };
      },
      () => null,
    );
  }

  private bind(
    load: () => Promise<CaseDoc | null>,
    pick: (doc: CaseDoc) => number,
    userId: string,
    record: Record<string, unknown> & { by: { userId: string; role: string } },
    missing: () => AppError,
  ): Promise<CaseDoc> {
    const { by, ...data } = record;
    return this.deps.commands.apply(load, (doc) => {
      if (!doc.caseNumber) throw errors.invalidState('The case is not docketed yet.', 'CASE_NOT_DOCKETED');
      const index = pick(doc);
      // The code is used up: the same paper cannot bind a second account.
      const defendants = doc.defendants.map((d, i) => (i === index ? { ...stripBinding(d), userId } : d));
      return { entry: { type: 'DEFENDANT_BOUND', actor: by, data: { defendant: index, userId, ...data } }, fields: { defendants } };
    }, missing);
  }
}

function stripBinding(d: StoredDefendant): StoredDefendant {
  const { userId: _u, accessCodeEnc: _e, accessCodeHash: _h, ...rest } = d;
  return rest;
}
