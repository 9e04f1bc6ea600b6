import { useEffect, useState, type FormEvent } from 'react';
import { post } from '../../api/http.js';
import type { CaseView, FoundUser } from '../../api/types.js';
import { ErrorBox, SelectField, TextArea } from '../../components/common.js';
import { findUsers, useDescribeUser } from '../../components/UserPicker.js';
import { useI18n } from '../../i18n/i18n.js';

type Action = 'approve' | 'recordInTranscript' | 'reject';
const GROUNDS = ['divorceReconciled', 'adoptionMaintained', 'performedImmediately', 'otherNoDecisionNeeded'] as const;

/**
 * The judge's review of a signed mediation agreement (CPL Arts. 100-101): approve it and issue
 * the 调解书 (served on every party, effective once all have signed for it), record it in the
 * hearing record on an Art. 101 ground, or reject it. A plain form: radio buttons, then submit.
 */
export function MediationDecisionPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [action, setAction] = useState<Action>('approve');
  const [ground, setGround] = useState<(typeof GROUNDS)[number]>('performedImmediately');
  const [reasons, setReasons] = useState('');
  const [returnTo, setReturnTo] = useState<'mediation' | 'litigation'>('litigation');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = reasons.split('\n').map((s) => s.trim()).filter(Boolean);
    if (action === 'reject' && list.length === 0) {
      setProblem(t('settlement.reasonsRequired'));
      return;
    }
    setProblem(undefined);
    const body = action === 'approve' ? { action } : action === 'recordInTranscript' ? { action, ground } : { action, reasons: list, returnTo };
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await post<CaseView>(`/api/cases/${c.id}/mediation-decision`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="settlement-title" data-testid="mediation-decision-panel">
      <h2 id="settlement-title">{t('settlement.title')}</h2>
      <p className="muted">{t('settlement.intro')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <fieldset className="radio-group">
          <legend>{t('settlement.action')}</legend>
          {(['approve', 'recordInTranscript', 'reject'] as const).map((a) => (
            <label key={a}>
              <input type="radio" name="settlementAction" value={a} checked={action === a} onChange={() => setAction(a)} /> {t(`settlement.${a}`)}
            </label>
          ))}
        </fieldset>
        {action === 'recordInTranscript' && (
          <SelectField label={t('settlement.ground')} hint={t('settlement.groundHint')} name="ground" value={ground} onChange={(e) => setGround(e.target.value as (typeof GROUNDS)[number])}>
            {GROUNDS.map((g) => (
              <option key={g} value={g}>
                {t(`settlement.ground.${g}`)}
              </option>
            ))}
          </SelectField>
        )}
        {action === 'reject' && (
          <>
            <TextArea label={t('settlement.reasons')} hint={t('settlement.reasonsHint')} name="reasons" rows={3} value={reasons} onChange={(e) => setReasons(e.target.value)} error={problem} />
            <SelectField label={t('settlement.returnTo')} name="returnTo" value={returnTo} onChange={(e) => setReturnTo(e.target.value as 'mediation' | 'litigation')}>
              <option value="litigation">{t('settlement.returnTo.litigation')}</option>
              <option value="mediation">{t('settlement.returnTo.mediation')}</option>
            </SelectField>
          </>
        )}
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t(`settlement.submit.${action}`)}
        </button>
      </form>
    </section>
  );
}

/** Where the served 调解书 stands: who has signed for it; a clerk may record a paper receipt or a refusal (Art. 102). */
export function MediationDecisionReceipts({ c, clerk, onChanged }: { c: CaseView; clerk: boolean; onChanged: (c: CaseView) => void }) {
  const { t, dateTime } = useI18n();
  const describe = useDescribeUser();
  const decision = c.mediation?.decision;
  const [parties, setParties] = useState<FoundUser[]>([]);
  const [recipientId, setRecipientId] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    findUsers(c.id, '', 'party')
      .then((found) => live && setParties(found))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [c.id]);
  if (!decision || c.status !== 'mediationDecisionServing') return null;
  const nameOf = (id: string) => {
    const u = parties.find((p) => p.id === id);
    return u ? describe(u) : id;
  };
  const pending = decision.recipientIds.filter((id) => !decision.receipts.some((r) => r.recipientId === id));

  const record = async (outcome: 'received' | 'refused') => {
    const who = recipientId || pending[0] || '';
    if (outcome === 'refused' && !reason.trim()) {
      setProblem(t('settlement.refusalReasonRequired'));
      return;
    }
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    try {
      const body = outcome === 'refused' ? { outcome, recipientId: who, reason: reason.trim() } : { outcome, recipientId: who };
      onChanged(await post<CaseView>(`/api/cases/${c.id}/mediation-decision/receipts`, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="receipts-title" data-testid="mediation-decision-receipts">
      <h2 id="receipts-title">{t('settlement.receiptsTitle')}</h2>
      <p className="muted">{t('settlement.receiptsIntro')}</p>
      <ul>
        {decision.recipientIds.map((id) => {
          const receipt = decision.receipts.find((r) => r.recipientId === id);
          return (
            <li key={id}>
              {nameOf(id)}: {receipt ? t('settlement.receivedAt', { at: dateTime(receipt.receivedAt) }) : t('settlement.notYetReceived')}
            </li>
          );
        })}
      </ul>
      {clerk && pending.length > 0 && (
        <>
          <SelectField label={t('settlement.recipient')} name="recipientId" value={recipientId || pending[0]} onChange={(e) => setRecipientId(e.target.value)}>
            {pending.map((id) => (
              <option key={id} value={id}>
                {nameOf(id)}
              </option>
            ))}
          </SelectField>
          <TextArea label={t('settlement.refusalReason')} name="refusalReason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} error={problem} />
          <div className="button-row">
            <button type="button" disabled={busy} onClick={() => void record('received')}>
              {t('settlement.recordReceipt')}
            </button>
            <button type="button" disabled={busy} onClick={() => void record('refused')}>
              {t('settlement.recordRefusal')}
            </button>
          </div>
          <ErrorBox error={error} />
        </>
      )}
    </section>
  );
}
