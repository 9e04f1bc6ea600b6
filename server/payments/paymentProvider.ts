import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A payment provider sits outside the court (a bank, 财政 payment platform, a
 * card acquirer). The platform talks to it only through this interface; the
 * built-in provider records an offline payment (cashier or bank transfer) that
 * a clerk confirms when the money has arrived.
 */
/** Where an offline payment goes: the court's payee account (court settings). */
export interface PaymentPayee {
  accountName: string;
  bank: string;
  accountNumber: string;
}

export interface PaymentRequest {
  paymentId: string;
  caseId: string;
  /** The amount due, to the fen. */
  amount: string;
  payerId: string;
  caseNumber?: string;
  payee?: PaymentPayee;
}

export interface PaymentProvider {
  readonly name: string;
  initiate(request: PaymentRequest): Promise<{
    providerReference: string;
    /** 'awaitingConfirmation': a clerk must confirm; 'succeeded': the provider has the money. */
    status: 'awaitingConfirmation' | 'succeeded';
    instructionsZh: string;
    instructionsEn: string;
  }>;
}

export class OfflinePaymentProvider implements PaymentProvider {
  readonly name = 'offline';

  async initiate(request: Pick<PaymentRequest, 'paymentId' | 'amount' | 'caseNumber' | 'payee'>): ReturnType<PaymentProvider['initiate']> {
    const reference = `OFF-${request.paymentId.slice(0, 8).toUpperCase()}`;
    const { payee, caseNumber, amount } = request;
    const forCaseZh = caseNumber ? `（${caseNumber}）` : '';
    const forCaseEn = caseNumber ? ` (${caseNumber})` : '';
    const accountZh = payee ? `收款人：${payee.accountName}；开户行：${payee.bank}；账号：${payee.accountNumber}。` : '';
    const accountEn = payee ? ` Payee: ${payee.accountName}; bank: ${payee.bank}; account number: ${payee.accountNumber}.` : '';
    return {
      providerReference: reference,
      status: 'awaitingConfirmation',
      instructionsZh: `请到法院收费窗口或通过银行转账交纳诉讼费人民币 ${amount} 元${forCaseZh}。${accountZh}转账附言请注明缴费编号 ${reference}。到账后由书记员确认。`,
      instructionsEn: `Pay the court fee of CNY ${amount}${forCaseEn} at the court's cashier or by bank transfer.${accountEn} Quote reference ${reference} with the transfer. A clerk confirms the payment when it arrives.`,
    };
  }
}

export interface PaymentDoc {
  _id: string;
  caseId: string;
  amount: string;
  currency: 'CNY';
  provider: string;
  providerReference: string;
  status: 'awaitingConfirmation' | 'confirmed';
  payerId: string;
  createdAt: string;
  confirmedBy?: string;
  confirmedAt?: string;
  /** The account the payer was told to pay into, as it stood then. */
  payee?: PaymentPayee;
}

const paymentSchema = new Schema<PaymentDoc>(
  {
    _id: String,
    caseId: { type: String, required: true, index: true },
    amount: { type: String, required: true },
    currency: { type: String, required: true },
    provider: { type: String, required: true },
    providerReference: { type: String, required: true },
    status: { type: String, required: true },
    payerId: { type: String, required: true },
    createdAt: { type: String, required: true },
    confirmedBy: String,
    confirmedAt: String,
    payee: Schema.Types.Mixed,
  },
  { versionKey: false },
);

export function paymentModel(connection: Connection): Model<PaymentDoc> {
  return (connection.models.Payment as Model<PaymentDoc> | undefined) ?? connection.model<PaymentDoc>('Payment', paymentSchema, 'payments');
}

/** Whether the party has paid and a clerk has yet to confirm it: the fee period then neither lapses nor needs a reminder. */
export async function hasPaymentAwaitingConfirmation(connection: Connection, caseId: string): Promise<boolean> {
  return (await paymentModel(connection).exists({ caseId, status: 'awaitingConfirmation' })) !== null;
}
