import { useState } from 'react';
import { post } from '../../api/http.js';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, TextArea, useAction } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

/** Withdrawal (撤诉) cannot be undone, so it takes a second, explicit step. */
export function WithdrawPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const withdraw = async () => {
    await run(async () => {
      onChanged(await post<CaseView>(`/api/cases/${c.id}/withdraw`, reason.trim() ? { reason: reason.trim() } : {}));
    });
  };
  return (
    <section className="card" aria-labelledby="withdraw-title" data-testid="withdraw-panel">
      <h2 id="withdraw-title">{t('withdraw.title')}</h2>
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)} aria-expanded={false}>
          {t('withdraw.start')}
        </button>
      ) : (
        <>
          <p className="notice warn">{t('withdraw.warning')}</p>
          <TextArea label={t('withdraw.reason')} name="reason" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          <ErrorBox error={error} />
          <div className="button-row">
            <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()}>
              {t('withdraw.confirm')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
