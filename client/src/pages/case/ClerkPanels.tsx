import { useState, type FormEvent } from 'react';
import { get, post } from '../../api/http.js';
import type { CaseView, Payment } from '../../api/types.js';
import { Findings } from '../../components/caseBits.js';
import { ErrorBox, TextArea, TextField, useLoad, useAction } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

type Decision = 'accept' | 'correct' | 'reject';

/** Today + n days as YYYY-MM-DD in Beijing, the default correction period. */
function beijingDatePlus(days: number): string {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The clerk's decision on a filing under review, with the automatic check's findings beside it. */
export function ReviewPanel({ c, onChanged, showFindings = true }: { c: CaseView; onChanged: (c: CaseView) => void; showFindings?: boolean }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<Decision>('accept');
  const [reasons, setReasons] = useState('');
  const [deadline, setDeadline] = useState(() => beijingDatePlus(15));
  const { busy, error, run } = useAction();
  const [problem, setProblem] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = reasons.split('\n').map((r) => r.trim()).filter(Boolean);
    if (decision !== 'accept' && list.length === 0) {
      setProblem(t('review.reasonsRequired'));
      return;
    }
    setProblem(undefined);
    await run(async () => {
      const body = decision === 'accept' ? { decision } : decision === 'correct' ? { decision, reasons: list, correctionDeadline: deadline } : { decision, reasons: list };
      onChanged(await post<CaseView>(`/api/cases/${c.id}/review`, body));
    });
  };

  return (
    <section className="card attention" aria-labelledby="review-title" data-testid="review-panel">
      <h2 id="review-title">{t('review.title')}</h2>
      {showFindings && (
        <>
          <h3>{t('review.findings')}</h3>
          <Findings findings={c.findings} />
        </>
      )}
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <fieldset className="radio-group">
          <legend>{t('review.decision')}</legend>
          {(['accept', 'correct', 'reject'] as const).map((d) => (
            <label key={d}>
              <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {t(`review.${d}`)}
            </label>
          ))}
        </fieldset>
        {decision !== 'accept' && (
          <TextArea label={t('review.reasons')} name="reasons" hint={t('review.reasonsHint')} rows={4} value={reasons} onChange={(e) => setReasons(e.target.value)} error={problem} />
        )}
        {decision === 'correct' && <TextField label={t('review.deadline')} name="correctionDeadline" type="date" value={deadline} min={beijingDatePlus(1)} onChange={(e) => setDeadline(e.target.value)} />}
        <ErrorBox error={error} />
        <button type="submit" className={decision === 'reject' ? 'danger' : 'primary'} disabled={busy}>
          {t(`review.submit.${decision}`)}
        </button>
      </form>
    </section>
  );
}

/** Offline payments wait for the clerk to confirm the money arrived. */
export function ConfirmPaymentPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t, money, dateTime } = useI18n();
  const { data } = useLoad(() => get<{ payments: Payment[] }>(`/api/cases/${c.id}/payments`), [c.id, c.version]);
  const { busy, error, run } = useAction();
  const pending = data?.payments.filter((p) => p.status === 'awaitingConfirmation') ?? [];
  const confirm = (p: Payment) => run(async () => onChanged(await post<CaseView>(`/api/cases/${c.id}/payments/${p._id}/confirm`)));
  return (
    <section className="card" aria-labelledby="confirm-title">
      <h2 id="confirm-title">{t('payment.confirmTitle')}</h2>
      {pending.length === 0 && <p className="muted">{t('payment.noneYet')}</p>}
      <ul>
        {pending.map((p) => (
          <li key={p._id}>
            {t('payment.pendingLine', { amount: money(p.amount), ref: p.providerReference, at: dateTime(p.createdAt) })}{' '}
            <button type="button" className="primary" disabled={busy} onClick={() => void confirm(p)}>
              {t('payment.confirm')}
            </button>
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
    </section>
  );
}
