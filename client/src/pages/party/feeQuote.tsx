import { shownAtFen } from '../../../../state-machines/rules/money.js';
import { useEffect, useState } from 'react';
import { ApiError, get } from '../../api/http.js';
import type { CaseType, FeeQuote } from '../../api/types.js';
import { errorText } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

type QuoteState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ok'; quote: FeeQuote } | { kind: 'error'; error: unknown };

/** The statutory fee for what is typed so far, asked of the server a moment after typing stops. */
export function useFeeQuote(caseType: CaseType, amount: string, court: string): QuoteState {
  const [state, setState] = useState<QuoteState>({ kind: 'idle' });
  useEffect(() => {
    const trimmed = amount.trim();
    if (caseType === 'property' && trimmed === '') {
      setState({ kind: 'idle' });
      return;
    }
    if (trimmed !== '' && !AMOUNT.test(trimmed)) {
      setState({ kind: 'error', error: new ApiError(400, 'AMOUNT_FORMAT', '') });
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      setState({ kind: 'loading' });
      // Divorce and personality cases take their own amounts; the fixed fee stands without them.
      const field = caseType === 'divorce' ? 'divorcePropertyAmount' : caseType === 'personality' ? 'personalityDamagesAmount' : 'amount';
      const q = new URLSearchParams({ caseType, court, ...(trimmed ? { [field]: trimmed } : {}) });
      get<FeeQuote>(`/api/fees/quote?${q.toString()}`).then(
        (quote) => live && setState({ kind: 'ok', quote }),
        (error: unknown) => live && setState({ kind: 'error', error }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [caseType, amount, court]);
  return state;
}

export function FeePreview({ caseType, amount, court }: { caseType: CaseType; amount: string; court: string }) {
  const { t, pick, money } = useI18n();
  const state = useFeeQuote(caseType, amount, court);
  return (
    <section className="fee-preview" aria-live="polite" aria-labelledby="fee-preview-title">
      <h3 id="fee-preview-title">{t('filing.feeTitle')}</h3>
      {state.kind === 'idle' && <p className="muted">{t('filing.feeNeedsAmount')}</p>}
      {state.kind === 'loading' && <p className="muted">{t('filing.feeLoading')}</p>}
      {state.kind === 'error' && <p className="field-error">{errorText(t, state.error)}</p>}
      {state.kind === 'ok' && (
        <>
          <p className="fee-amount" data-testid="fee-amount">
            {money(state.quote.fee)}
          </p>
          <ul className="fee-lines">
            {state.quote.breakdown.filter((l) => shownAtFen(l.amount)).map((l) => (
              <li key={l.code + l.amount}>{t('filing.feeLine', { label: pick(l.labelZh, l.labelEn), amount: money(l.amount) })}</li>
            ))}
          </ul>
          <p className="hint">{t('filing.feeNote')}</p>
        </>
      )}
    </section>
  );
}
