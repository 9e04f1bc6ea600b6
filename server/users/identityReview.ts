/**
 * An ID number someone else already registered is not a dead end. The person asks a court to
 * review (having proven their phone with the registration SMS code); a clerk of that court
 * checks who they are (ID card on a video call, at the counter) and approves: the number is
 * taken from the account that held it and a new account is made for the person it belongs to.
 * The old account keeps its other data but loses the number and every defendant role it had;
 * each affected case records DEFENDANT_UNBOUND in its log, and the audit collection
 * `identity_audit` keeps who moved which number, when, why and on what check.
 *
 * There are no multi-document transactions (FerretDB): the review is claimed first
 * (pending -> approving, one winner), then the steps run in an order where a retry of
 * `approve` after a crash finishes the job instead of doing it twice.
 */
import crypto from 'node:crypto';
import { maskIdNumber, maskPhone } from '../../state-machines/rules/idNumber.js';
import type { AuthUser } from '../auth/tokens.js';
import { errors } from '../errors.js';
import { hashPassword } from '../auth/passwords.js';
import { readyUserModel, type UserDoc } from './userModel.js';
import { checkRegistration, isDuplicateKeyError, requireValidIdNumber, type NewUser, type UserServiceDeps } from './userService.js';

export interface IdentityReviewDoc {
  _id: string;
  courtId: string;
  status: 'pending' | 'approving' | 'approved' | 'rejected';
  name: string;
  idNumberEnc: string;
  idNumberHash: string;
  phoneEnc: string;
  phoneHash: string;
  passwordHash: string;
  statement: string;
  createdAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  identityCheck?: string;
  reason?: string;
  newUserId?: string;
  previousUserId?: string;
}

/**
 * The cases' side of moving an ID number, implemented by cases/defendantAccess.ts and handed
 * in by app.ts: cases/ builds on users/, so users/ does not import it.
 */
export interface DefendantUnbinding {
  /** Takes every defendant role the user holds off its cases, each step recorded in that case's log. */
  unbindEverywhere(userId: string, actor: { userId: string; role: string }, reason: Record<string, unknown>): Promise<void>;
}

export interface IdentityReviewDeps extends UserServiceDeps {
  defendants: DefendantUnbinding;
  now: () => Date;
}

export class IdentityReviews {
  constructor(private readonly deps: IdentityReviewDeps) {}

  private get reviews() {
    return this.deps.connection.collection<IdentityReviewDoc>('identity_reviews');
  }

  private get audit() {
    return this.deps.connection.collection('identity_audit');
  }

  /** The person's request; the caller has already checked their SMS code for `phone`. */
  async request(input: NewUser & { courtId: string; statement: string }): Promise<IdentityReviewDoc> {
    await checkRegistration(input);
    const idNumber = requireValidIdNumber(input.idNumber);
    const doc: IdentityReviewDoc = {
      _id: crypto.randomUUID(),
      courtId: input.courtId,
      status: 'pending',
      name: input.name.trim(),
      idNumberEnc: this.deps.cipher.encrypt(idNumber),
      idNumberHash: this.deps.cipher.lookupHash('idNumber', idNumber),
      phoneEnc: this.deps.cipher.encrypt(input.phone.trim()),
      phoneHash: this.deps.cipher.lookupHash('phone', input.phone),
      passwordHash: await hashPassword(input.password),
      statement: input.statement,
      createdAt: this.deps.now(),
    };
    await this.reviews.insertOne(doc);
    return doc;
  }

  /** What a clerk of the court sees: the request and the account now holding the number, masked. */
  async listFor(clerk: AuthUser, status: IdentityReviewDoc['status'] = 'pending') {
    this.requireClerk(clerk);
    const users = await readyUserModel(this.deps.connection);
    const rows = await this.reviews.find({ courtId: clerk.courtId, status }).sort({ createdAt: 1 }).limit(200).toArray();
    return Promise.all(
      rows.map(async (r) => {
        const holder = await users.findOne({ idNumberHash: r.idNumberHash }, { name: 1, createdAt: 1 }).lean<Pick<UserDoc, '_id' | 'name' | 'createdAt'>>().exec();
        return {
          id: r._id,
          status: r.status,
          name: r.name,
          idNumber: maskIdNumber(this.deps.cipher.decrypt(r.idNumberEnc)),
          phone: maskPhone(this.deps.cipher.decrypt(r.phoneEnc)),
          statement: r.statement,
          createdAt: r.createdAt.toISOString(),
          currentHolder: holder ? { id: holder._id.toHexString(), name: holder.name, registeredAt: holder.createdAt.toISOString() } : null,
        };
      }),
    );
  }

  async approve(clerk: AuthUser, reviewId: string, identityCheck: string): Promise<{ userId: string; previousUserId: string | null }> {
    this.requireClerk(clerk);
    const at = this.deps.now();
    const claimed = await this.reviews.findOneAndUpdate(
      { _id: reviewId, courtId: clerk.courtId, status: { $in: ['pending', 'approving'] } },
      { $set: { status: 'approving', decidedBy: clerk.id, decidedAt: at, identityCheck } },
      { returnDocument: 'after' },
    );
    if (!claimed) throw errors.notFound('The identity review', 'REVIEW_NOT_FOUND');
    const users = await readyUserModel(this.deps.connection);
    const holder = await users.findOne({ idNumberHash: claimed.idNumberHash }).lean<UserDoc>().exec();
    const previousUserId = holder && holder._id.toHexString() !== claimed.newUserId ? holder._id.toHexString() : (claimed.previousUserId ?? null);
    if (holder && holder._id.toHexString() !== claimed.newUserId) {
      // The number leaves the old account: a unique placeholder keeps the index satisfied.
      await users.updateOne(
        { _id: holder._id, idNumberHash: claimed.idNumberHash },
        { $set: { idNumberHash: `revoked:${holder._id.toHexString()}:${reviewId}`, idNumberRevokedAt: at } },
      );
      await this.reviews.updateOne({ _id: reviewId }, { $set: { previousUserId: holder._id.toHexString() } });
    }
    let userId = claimed.newUserId;
    if (!userId) {
      try {
        const created = await users.create({
          name: claimed.name,
          idNumberEnc: claimed.idNumberEnc,
          idNumberHash: claimed.idNumberHash,
          phoneEnc: claimed.phoneEnc,
          phoneHash: claimed.phoneHash,
          passwordHash: claimed.passwordHash,
          roles: ['party'],
        });
        userId = created._id.toHexString();
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // The phone got an account meanwhile (the same person registered another way): that account gets the number.
        const samePhone = await users.findOne({ phoneHash: claimed.phoneHash }).lean<UserDoc>().exec();
        if (!samePhone) throw err;
        await users.updateOne({ _id: samePhone._id }, { $set: { idNumberEnc: claimed.idNumberEnc, idNumberHash: claimed.idNumberHash, name: claimed.name } });
        userId = samePhone._id.toHexString();
      }
      await this.reviews.updateOne({ _id: reviewId }, { $set: { newUserId: userId } });
    }
    if (previousUserId) {
      await this.deps.defendants.unbindEverywhere(previousUserId, { userId: clerk.id, role: 'clerk' }, { reason: 'identityReview', reviewId });
    }
    await this.audit.insertOne({
      _id: `review:${reviewId}` as never,
      type: 'ID_NUMBER_REBOUND',
      reviewId,
      courtId: clerk.courtId,
      clerkId: clerk.id,
      fromUserId: previousUserId,
      toUserId: userId,
      identityCheck,
      at,
    }).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    await this.reviews.updateOne({ _id: reviewId }, { $set: { status: 'approved' } });
    return { userId, previousUserId };
  }

  async reject(clerk: AuthUser, reviewId: string, reason: string): Promise<void> {
    this.requireClerk(clerk);
    const at = this.deps.now();
    const done = await this.reviews.findOneAndUpdate({ _id: reviewId, courtId: clerk.courtId, status: 'pending' }, { $set: { status: 'rejected', decidedBy: clerk.id, decidedAt: at, reason } });
    if (!done) throw errors.notFound('The identity review', 'REVIEW_NOT_FOUND');
    await this.audit.insertOne({ _id: `review:${reviewId}` as never, type: 'ID_NUMBER_REVIEW_REJECTED', reviewId, courtId: clerk.courtId, clerkId: clerk.id, reason, at });
  }

  /** The audit trail of one court, newest first. */
  async auditOf(clerk: AuthUser) {
    this.requireClerk(clerk);
    return this.audit.find({ courtId: clerk.courtId }).sort({ at: -1 }).limit(200).toArray();
  }

  private requireClerk(user: AuthUser): void {
    if (!user.courtId || !user.roles.includes('clerk')) throw errors.forbidden('Only a clerk of the court reviews identities.', 'NOT_CLERK_OF_COURT');
  }
}
