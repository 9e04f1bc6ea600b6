import { useState, type FormEvent } from 'react';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, SelectField } from '../../components/common.js';
import { SingleFileField, useSingleFileUpload } from '../../components/FilePicker.js';
import { useI18n } from '../../i18n/i18n.js';

type DecisionKind = 'judgment' | 'ruling';

/**
 * The judge decides the case by filing the signed decision (a PDF). A decision
 * cannot be taken back, so it takes an explicit confirmation; serving it then
 * starts each party's appeal period.
 */
export function DecisionPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<DecisionKind>('judgment');
  const [confirmed, setConfirmed] = useState(false);
  const { choose, send, problem, progress, busy, error } = useSingleFileUpload(`/api/cases/${c.id}/decision`, onChanged);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(kind, t('decision.pdfRequired'));
  };

  return (
    <section className="card" aria-labelledby="decision-title" data-testid="decision-panel">
      <h2 id="decision-title">{t('decision.title')}</h2>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <SelectField label={t('decision.kind')} name="decisionKind" value={kind} onChange={(e) => setKind(e.target.value as DecisionKind)}>
          <option value="judgment">{t('docKind.judgment')}</option>
          <option value="ruling">{t('docKind.ruling')}</option>
        </SelectField>
        <SingleFileField
          label={t('decision.file')}
          name="decisionFile"
          pdfOnly
          onFile={choose}
          error={problem}
          progress={progress}
        />
        <label className="checkbox-line">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> {t('decision.confirm')}
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !confirmed}>
          {t('decision.submit')}
        </button>
      </form>
    </section>
  );
}
