/** Fees and payments: the fee fixed on docketing, a filer's payment, and a clerk's confirmation of it. */
import { toFen } from '../../state-machines/rules/money.js';
import { findCourt } from '../courts/courtModel.js';
import crypto from 'node:crypto';
import { FeeInputError, quoteFee, type FeeQuote } from '../../state-machines/rules/fees.js';
import type { AuthUser } from '../auth/tokens.js';
import type { Court } from '../courts/courtModel.js';
import { errors } from '../errors.js';
import { paymentModel, type PaymentDoc } from '../payments/paymentProvider.js';
import { actorAs, assertFiler, assertMaySeePayments } from './caseAccess.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseParts } from './caseParts.js';

/** The fee the court fixes on docketing: the same inputs as the public quote, so it matches the preview. */
export function docketFee(doc: CaseDoc, court: Court): FeeQuote {
  try {
    return quoteFee(
      {
        caseType: doc.caseType,
        ...(doc.caseType === 'property' && doc.claimAmount ? { amount: doc.claimAmount } : {}),
        ...(doc.caseType === 'divorce' && doc.divorcePropertyAmount ? { divorcePropertyAmount: doc.divorcePropertyAmount } : {}),
        ...(doc.caseType === 'personality' && doc.personalityDamagesAmount ? { personalityDamagesAmount: doc.personalityDamagesAmount } : {}),
      },
      court.feeConfig,
    );
  } catch (err) {
    if (err instanceof FeeInputError) throw errors.validation(`The fee cannot be computed: ${err.message}`, undefined, err.code);
    throw err;
  }
}

export class CasePayments {
  constructor(private readonly parts: CaseParts) {}

  async start(user: AuthUser, caseId: string): Promise<PaymentDoc & { instructionsZh: string; instructionsEn: string }> {
    const doc = await this.parts.access.get(user, caseId);
    assertFiler(user, doc, 'Only the party who filed the case pays its fee.');
    if (doc.status !== 'docketed' || !doc.fee) throw errors.invalidState('There is no fee due on this case now.', 'NO_FEE_DUE');
    const paymentId = crypto.randomUUID();
    const court = await findCourt(this.parts.connection, doc.courtId);
    const payee = court?.payee;
    const started = await this.parts.payments.initiate({
      paymentId,
      caseId,
      amount: toFen(doc.fee.amount),
      payerId: user.id,
      ...(doc.caseNumber ? { caseNumber: doc.caseNumber } : {}),
      ...(payee ? { payee } : {}),
    });
    const payment: PaymentDoc = {
      _id: paymentId,
      caseId,
      amount: doc.fee.amount,
      currency: 'CNY',
      provider: this.parts.payments.name,
      providerReference: started.providerReference,
      status: 'awaitingConfirmation',
      payerId: user.id,
      createdAt: this.parts.now().toISOString(),
      ...(payee ? { payee: { accountName: payee.accountName, bank: payee.bank, accountNumber: payee.accountNumber } } : {}),
    };
    await paymentModel(this.parts.connection).create(payment);
    return { ...payment, instructionsZh: started.instructionsZh, instructionsEn: started.instructionsEn };
  }

  async list(user: AuthUser, caseId: string): Promise<PaymentDoc[]> {
    const { as } = await this.parts.access.access(user, caseId);
    assertMaySeePayments(as);
    return paymentModel(this.parts.connection).find({ caseId }).sort({ createdAt: 1 }).lean<PaymentDoc[]>().exec();
  }

  /** A clerk confirms money received: the case's fee is settled, then the payment is marked. */
  async confirm(user: AuthUser, caseId: string, paymentId: string): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const payments = paymentModel(this.parts.connection);
    const payment = await payments.findOne({ _id: paymentId, caseId }).lean<PaymentDoc>().exec();
    if (!payment) throw errors.notFound('The payment', 'PAYMENT_NOT_FOUND');
    const actor = actorAs(user, 'clerk');
    let confirmedAt = '';
    const updated = await this.parts.commands.apply(doc, (_current, at) => {
      confirmedAt = at;
      return { event: { type: 'FEE_PAID', paymentId, amount: payment.amount, actor, at } };
    });
    await payments.updateOne({ _id: paymentId }, { $set: { status: 'confirmed', confirmedBy: user.id, confirmedAt } }).exec();
    return updated;
  }
}
