import { useState, type FormEvent } from 'react';
import { post, uploadForm, type UploadProgress } from '../../api/http.js';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, ProgressBar, SelectField, TextArea, TextField, useAction } from '../../components/common.js';
import { SingleFileField } from '../../components/FilePicker.js';
import { useI18n } from '../../i18n/i18n.js';

type Kind = 'deferral' | 'reduction' | 'waiver';
type Relief = CaseView['feeRelief'][number];

/** What became of each application, for the filer and the court. */
function ReliefHistory({ c }: { c: CaseView }) {
  const { t, date, money } = useI18n();
  if (c.feeRelief.length === 0) return null;
  return (
    <ul className="relief-history" data-testid="fee-relief-history">
      {c.feeRelief.map((r) => (
        <li key={r.id} data-status={r.status}>
          {t('relief.line', { kind: t(`relief.kind.${r.kind}`), status: t(`relief.status.${r.status}`), at: date(r.appliedAt) })}
          {r.grantedUntil && <> · {t('relief.grantedUntil', { date: date(r.grantedUntil) })}</>}
          {r.grantedAmount && <> · {t('relief.grantedAmount', { amount: money(r.grantedAmount) })}</>}
          {r.decisionReasons && <p className="muted">{t('relief.decisionReasons', { reasons: r.decisionReasons })}</p>}
        </li>
      ))}
    </ul>
  );
}

/** The filer applies for 缓交、减交 or 免交 with reasons and proof, while the fee is due. */
export function FeeReliefApplication({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('deferral');
  const [reasons, setReasons] = useState('');
  const [until, setUntil] = useState('');
  const [amount, setAmount] = useState('');
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();
  const { busy, error, run } = useAction();
  const pending = c.feeRelief.some((r) => r.status === 'pending');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setProblem(t('relief.proofRequired'));
      return;
    }
    setProblem(undefined);
    const form = new FormData();
    // The JSON part first: the server checks it before reading any file.
    form.append('application', JSON.stringify({ kind, reasons, ...(kind === 'deferral' ? { until } : {}), ...(kind === 'reduction' ? { amount } : {}) }));
    form.append('proof', file, file.name);
    await run(async () => onChanged(await uploadForm<CaseView>(`/api/cases/${c.id}/fee-relief`, form, setProgress)));
  };

  return (
    <section className="card" aria-labelledby="relief-title" data-testid="fee-relief-panel">
      <h2 id="relief-title">{t('relief.title')}</h2>
      <ReliefHistory c={c} />
      {pending ? (
        <p role="status">{t('relief.pending')}</p>
      ) : (
        <form onSubmit={submit} noValidate aria-busy={busy}>
          <p className="muted">{t('relief.lead')}</p>
          <SelectField label={t('relief.kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="relief-kind">
            {(['deferral', 'reduction', 'waiver'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`relief.kind.${k}`)}
              </option>
            ))}
          </SelectField>
          {kind === 'deferral' && <TextField label={t('relief.until')} type="date" value={until} onChange={(e) => setUntil(e.target.value)} required data-testid="relief-until" />}
          {kind === 'reduction' && <TextField label={t('relief.amount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required />}
          <TextArea label={t('relief.reasons')} value={reasons} onChange={(e) => setReasons(e.target.value)} required maxLength={4000} data-testid="relief-reasons" />
          <SingleFileField label={t('relief.proof')} name="proof" onFile={setFile} error={problem} />
          {progress && <ProgressBar label={t('upload.total')} value={progress.loaded} max={progress.total || 1} />}
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('relief.apply')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The clerk or judge grants or refuses a waiting application, with reasons. */
export function FeeReliefDecision({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t, date, money } = useI18n();
  const waiting: Relief | undefined = c.feeRelief.find((r) => r.status === 'pending');
  const [reasons, setReasons] = useState('');
  const [until, setUntil] = useState(waiting?.until ?? '');
  const [amount, setAmount] = useState(waiting?.amount ?? '');
  const { busy, error, run } = useAction();
  if (!waiting) return c.feeRelief.length > 0 ? <ReliefHistory c={c} /> : null;
  const decide = (decision: 'grant' | 'refuse') =>
    run(async () =>
      onChanged(
        await post<CaseView>(`/api/cases/${c.id}/fee-relief/${waiting.id}/decision`, {
          decision,
          reasons,
          ...(decision === 'grant' && waiting.kind === 'deferral' && until ? { until } : {}),
          ...(decision === 'grant' && waiting.kind === 'reduction' && amount ? { amount } : {}),
        }),
      ),
    );
  return (
    <section className="card attention" aria-labelledby="relief-decide-title" data-testid="fee-relief-decision">
      <h2 id="relief-decide-title">{t('relief.decideTitle', { kind: t(`relief.kind.${waiting.kind}`) })}</h2>
      <p>{t('relief.applied', { at: date(waiting.appliedAt), reasons: waiting.reasons })}</p>
      {waiting.until && <p>{t('relief.askedUntil', { date: date(waiting.until) })}</p>}
      {waiting.amount && <p>{t('relief.askedAmount', { amount: money(waiting.amount) })}</p>}
      <p className="muted">{t('relief.proofCount', { n: waiting.proofIds.length })}</p>
      {waiting.kind === 'deferral' && <TextField label={t('relief.until')} type="date" value={until} onChange={(e) => setUntil(e.target.value)} />}
      {waiting.kind === 'reduction' && <TextField label={t('relief.amount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
      <TextArea label={t('relief.decisionReasonsLabel')} value={reasons} onChange={(e) => setReasons(e.target.value)} required maxLength={4000} data-testid="relief-decision-reasons" />
      <ErrorBox error={error} />
      <div className="button-row">
        <button type="button" className="primary" disabled={busy} onClick={() => void decide('grant')} data-testid="relief-grant">
          {t('relief.grant')}
        </button>
        <button type="button" disabled={busy} onClick={() => void decide('refuse')} data-testid="relief-refuse">
          {t('relief.refuse')}
        </button>
      </div>
    </section>
  );
}
