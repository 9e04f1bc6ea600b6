import { useState, type FormEvent } from 'react';
import { get, post, uploadForm, type UploadProgress } from '../../api/http.js';
import type { CaseView, Payment } from '../../api/types.js';
import { Findings } from '../../components/caseBits.js';
import { ErrorBox, TextField, useLoad, useAction } from '../../components/common.js';
import { FilePicker, toFormData, UploadBars, type PickedFile } from '../../components/FilePicker.js';
import { useI18n } from '../../i18n/i18n.js';

/** The correction notice: what to fix, by when, and the resubmission form. */
export function CorrectionPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t, date } = useI18n();
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [amount, setAmount] = useState('');
  const [progress, setProgress] = useState<UploadProgress>();
  const [error, setError] = useState<unknown>();
  const notice = c.correction;
  const canResubmit = c.allowedActions.includes('RESUBMIT');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setProgress({ loaded: 0, total: 1 });
    try {
      const json = amount.trim() ? { claimAmount: amount.trim() } : undefined;
      const updated = await uploadForm<CaseView>(`/api/cases/${c.id}/resubmit`, toFormData(files, json), setProgress);
      setFiles([]);
      onChanged(updated);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <section className="card attention" aria-labelledby="correction-title" data-testid="correction-panel">
      <h2 id="correction-title">{t('correction.title')}</h2>
      {notice && <p className="deadline-strong">{t('correction.deadline', { date: date(notice.deadline) })}</p>}
      {notice?.source === 'clerk' && notice.reasons.length > 0 && (
        <>
          <h3>{t('correction.clerkReasons')}</h3>
          <ul className="findings">
            {notice.reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </>
      )}
      {c.findings.length > 0 && (
        <>
          <h3>{t('correction.automatic')}</h3>
          <Findings findings={c.findings} />
        </>
      )}
      {canResubmit && (
        <form onSubmit={submit} noValidate aria-busy={progress !== undefined}>
          <p>{t('correction.howTo')}</p>
          <FilePicker kind="complaint" files={files} onChange={setFiles} />
          <FilePicker kind="idProof" files={files} onChange={setFiles} />
          <FilePicker kind="evidence" files={files} onChange={setFiles} />
          <TextField label={t('correction.newAmount')} name="claimAmount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} hint={t('correction.newAmountHint')} />
          {progress && <UploadBars files={files} progress={progress} />}
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={progress !== undefined}>
            {t('correction.resubmit')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The built-in provider is an offline payment a clerk confirms; the party gets the reference to quote. */
export function PaymentPanel({ c }: { c: CaseView }) {
  const { t, pick, money, dateTime } = useI18n();
  const { data, reload } = useLoad(() => get<{ payments: Payment[] }>(`/api/cases/${c.id}/payments`), [c.id, c.version]);
  const [started, setStarted] = useState<Payment>();
  const { busy, error, run } = useAction();
  const pending = data?.payments.filter((p) => p.status === 'awaitingConfirmation') ?? [];

  const pay = async () => {
    await run(async () => {
      const res = await post<{ payment: Payment }>(`/api/cases/${c.id}/payments`);
      setStarted(res.payment);
      reload();
    });
  };

  return (
    <section className="card attention" aria-labelledby="payment-title">
      <h2 id="payment-title">{t('payment.title')}</h2>
      {c.fee && <p className="fee-amount">{money(c.fee.amount)}</p>}
      {started && (
        <p className="notice" role="status" data-testid="payment-instructions">
          {pick(started.instructionsZh, started.instructionsEn)}
        </p>
      )}
      {pending.length > 0 && (
        <ul>
          {pending.map((p) => (
            <li key={p._id}>
              {t('payment.awaiting', { ref: p.providerReference, at: dateTime(p.createdAt) })}
              {p.payee && <p data-testid="payment-payee">{t('payment.payee', { name: p.payee.accountName, bank: p.payee.bank, account: p.payee.accountNumber, ref: p.providerReference })}</p>}
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={error} />
      {pending.length === 0 && (
        <button type="button" className="primary" onClick={() => void pay()} disabled={busy}>
          {t('payment.pay')}
        </button>
      )}
    </section>
  );
}
