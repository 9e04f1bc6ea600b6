import { useState, type FormEvent } from 'react';
import { uploadForm, type UploadProgress } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import { ErrorBox, formatBytes } from '../../components/common.js';
import { useCauses } from '../../components/CausePicker.js';
import { toFormData, UploadBars } from '../../components/FilePicker.js';
import { useI18n, type MessageKey } from '../../i18n/i18n.js';
import { navigate } from '../../router.js';
import { ClaimsStep, DetailsStep, emptyDraft, MaterialsStep, PartiesStep, stepProblems, type Draft } from './filingSteps.js';
import { useCourts } from '../../components/courts.js';

const STEPS: MessageKey[] = ['filing.step.details', 'filing.step.parties', 'filing.step.claims', 'filing.step.materials', 'filing.step.review'];

function amountField(caseType: Draft['caseType']): 'claimAmount' | 'divorcePropertyAmount' | 'personalityDamagesAmount' {
  return caseType === 'divorce' ? 'divorcePropertyAmount' : caseType === 'personality' ? 'personalityDamagesAmount' : 'claimAmount';
}

function filingJson(d: Draft) {
  const amount = d.claimAmount.trim();
  return {
    court: d.court,
    caseType: d.caseType,
    causeOfAction: d.causeOfAction,
    // The one amount field means what the fee rules need for this case type (C3 Art. 13).
    ...(amount ? { [amountField(d.caseType)]: amount } : {}),
    claims: d.claims.map((c) => c.trim()).filter(Boolean),
    facts: d.facts.trim(),
    defendants: d.defendants.map((x) => ({
      name: x.name.trim(),
      ...(x.idNumber.trim() ? { idNumber: x.idNumber.trim().toUpperCase() } : {}),
      ...(x.phone.trim() ? { phone: x.phone.trim() } : {}),
    })),
  };
}

export function FilingWizard() {
  const { t, lang, money } = useI18n();
  const { user } = useSession();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [step, setStep] = useState(0);
  const [tried, setTried] = useState(false);
  const [progress, setProgress] = useState<UploadProgress>();
  const [error, setError] = useState<unknown>();
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const problems = tried ? stepProblems(step, draft, t, lang) : {};
  const last = STEPS.length - 1;

  const go = (to: number) => {
    setTried(false);
    setStep(to);
    requestAnimationFrame(() => document.getElementById('step-title')?.focus());
  };

  const next = (e: FormEvent) => {
    e.preventDefault();
    if (step < last) {
      if (Object.keys(stepProblems(step, draft, t, lang)).length > 0) {
        setTried(true);
        return;
      }
      go(step + 1);
      return;
    }
    void submit();
  };

  const submit = async () => {
    setError(undefined);
    setProgress({ loaded: 0, total: 1 });
    try {
      const res = await uploadForm<{ id: string }>('/api/cases', toFormData(draft.files, filingJson(draft)), setProgress);
      navigate(`/cases/${res.id}?filed=1`);
    } catch (err) {
      setError(err);
      setProgress(undefined);
    }
  };

  const stepKey = STEPS[step] ?? 'filing.step.details';
  const busy = progress !== undefined;
  return (
    <section className="wizard">
      <h1 tabIndex={-1}>{t('filing.title')}</h1>
      <ol className="steps" aria-label={t('filing.stepsLabel')}>
        {STEPS.map((k, i) => (
          <li key={k} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : undefined}>
            <span className="step-no" aria-hidden="true">
              {i + 1}
            </span>
            {t(k)}
          </li>
        ))}
      </ol>
      <form className="card" onSubmit={next} noValidate aria-busy={busy}>
        <h2 id="step-title" tabIndex={-1}>
          {t('filing.stepOf', { n: step + 1, total: STEPS.length, name: t(stepKey) })}
        </h2>
        {step === 0 && <DetailsStep draft={draft} update={update} problems={problems} />}
        {step === 1 && <PartiesStep draft={draft} update={update} problems={problems} plaintiff={user?.name ?? ''} />}
        {step === 2 && <ClaimsStep draft={draft} update={update} problems={problems} />}
        {step === 3 && <MaterialsStep draft={draft} update={update} problems={problems} />}
        {step === last && <Review draft={draft} money={money} />}
        {progress && <UploadBars files={draft.files} progress={progress} />}
        <ErrorBox error={error} />
        <div className="actions">
          {step > 0 && (
            <button type="button" onClick={() => go(step - 1)} disabled={busy}>
              {t('common.back')}
            </button>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {step < last ? t('common.next') : busy ? t('filing.submitting') : t('filing.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Review({ draft, money }: { draft: Draft; money: (a: string) => string }) {
  const { t, pick } = useI18n();
  const cause = useCauses().find((c) => c.code === draft.causeOfAction);
  const json = filingJson(draft);
  const court = useCourts().find((c) => c.id === draft.court);
  return (
    <dl className="review">
      <dt>{t('field.court')}</dt>
      <dd>{court ? pick(court.nameZh, court.nameEn) : draft.court}</dd>
      <dt>{t('field.caseType')}</dt>
      <dd>{t(`caseType.${draft.caseType}`)}</dd>
      <dt>{t('cause.label')}</dt>
      <dd>{cause ? pick(cause.zh, cause.en) : '—'}</dd>
      {draft.claimAmount.trim() && (
        <>
          <dt>{draft.caseType === 'divorce' ? t('filing.divorcePropertyAmount') : draft.caseType === 'personality' ? t('filing.personalityDamagesAmount') : t('field.claimAmount')}</dt>
          <dd>{money(draft.claimAmount.trim())}</dd>
        </>
      )}
      <dt>{t('filing.defendants')}</dt>
      <dd>{json.defendants.map((d) => d.name).join(t('common.listSeparator'))}</dd>
      <dt>{t('filing.claims')}</dt>
      <dd>
        <ol>
          {json.claims.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ol>
      </dd>
      <dt>{t('filing.facts')}</dt>
      <dd className="pre">{json.facts}</dd>
      <dt>{t('filing.materials')}</dt>
      <dd>
        <ul>
          {draft.files.map((f) => (
            <li key={`${f.kind}-${f.file.name}`}>
              {t('filing.fileLine', { kind: t(`docKind.${f.kind}`), name: f.file.name, size: formatBytes(f.file.size) })}
            </li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}
