import { useEffect, useState, type FormEvent } from 'react';
import { post } from '../../api/http.js';
import type { Agreement, CaseView, FoundUser } from '../../api/types.js';
import { ErrorBox, TextArea, TextField, useAction } from '../../components/common.js';
import { findUsers, useDescribeUser } from '../../components/UserPicker.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link, navigate } from '../../router.js';

/** Stages at which a mediation session can be held or an agreement drafted: docketed and paid, not yet ended. */
export const OPEN_FOR_MEDIATION: ReadonlySet<string> = new Set([
  'feeSettled',
  'servedOnDefendant',
  'answered',
  'defaultPending',
  'mediationOffered',
  'inMediation',
  'mediationFailed',
  'hearingScheduled',
]);

type Step = 'offer' | 'accept' | 'decline' | 'fail';
const STEP_EVENT: Record<Step, string> = { offer: 'OFFER_MEDIATION', accept: 'MEDIATION_ACCEPTED', decline: 'MEDIATION_DECLINED', fail: 'MEDIATION_FAILED' };

/** The mediator's (or clerk's) record of where mediation stands: offered, accepted, declined, failed. */
export function MediationSteps({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  const steps = (Object.keys(STEP_EVENT) as Step[]).filter((s) => c.allowedActions.includes(STEP_EVENT[s]));
  if (steps.length === 0) return null;
  const needsReason = steps.includes('decline') || steps.includes('fail');

  const record = async (step: Step) => {
    if (step === 'fail' && !reason.trim()) {
      setProblem(t('mediation.reasonRequired'));
      return;
    }
    setProblem(undefined);
    await run(async () => {
      const body = step === 'decline' || step === 'fail' ? { action: step, ...(reason.trim() ? { reason: reason.trim() } : {}) } : { action: step };
      onChanged(await post<CaseView>(`/api/cases/${c.id}/mediation`, body));
      setReason('');
    });
  };

  return (
    <section className="card" aria-labelledby="mediation-title" data-testid="mediation-steps">
      <h2 id="mediation-title">{t('mediation.title')}</h2>
      {needsReason && <TextArea label={t('mediation.reason')} hint={t('mediation.reasonHint')} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} error={problem} />}
      <div className="button-row">
        {steps.map((s) => (
          <button key={s} type="button" className={s === 'offer' || s === 'accept' ? 'primary' : undefined} disabled={busy} onClick={() => void record(s)}>
            {t(`mediation.${s}`)}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
    </section>
  );
}

/** Drafting the agreement: the text and who must sign it (the filer always). Signing happens on the agreement's page. */
export function DraftAgreement({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const describe = useDescribeUser();
  const [title, setTitle] = useState('');
  const [terms, setTerms] = useState('');
  const [parties, setParties] = useState<FoundUser[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<{ title?: string; terms?: string; signatories?: string }>({});
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    let live = true;
    findUsers(c.id, '', 'party')
      .then((found) => {
        if (!live) return;
        setParties(found);
        setChosen(new Set(found.map((u) => u.id)));
      })
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [c.id]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = terms.split('\n').map((s) => s.trim()).filter(Boolean);
    const next = {
      ...(title.trim() ? {} : { title: t('agreement.titleRequired') }),
      ...(list.length ? {} : { terms: t('agreement.termsRequired') }),
      ...(chosen.size >= 2 ? {} : { signatories: t('agreement.signatoriesRequired') }),
    };
    setProblem(next);
    if (Object.keys(next).length > 0) return;
    await run(async () => {
      const draft = await post<Agreement>(`/api/cases/${c.id}/agreements`, { title: title.trim(), terms: list, signatories: [...chosen] });
      navigate(`/agreements/${draft.id}`);
    });
  };

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  return (
    <section className="card" aria-labelledby="draft-title" data-testid="draft-agreement">
      <h2 id="draft-title">{t('agreement.draftTitle')}</h2>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <TextField label={t('agreement.title')} name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} error={problem.title} />
        <TextArea label={t('agreement.terms')} name="terms" hint={t('agreement.termsHint')} rows={5} value={terms} onChange={(e) => setTerms(e.target.value)} error={problem.terms} />
        <fieldset className="radio-group">
          <legend>{t('agreement.signatories')}</legend>
          {parties.length === 0 && <p className="muted">{t('agreement.noParties')}</p>}
          {parties.map((u) => (
            <label key={u.id}>
              <input type="checkbox" checked={chosen.has(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} /> {describe(u)}
            </label>
          ))}
          {problem.signatories && (
            <p className="field-error" role="alert">
              {problem.signatories}
            </p>
          )}
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('agreement.draftSubmit')}
        </button>
      </form>
    </section>
  );
}

/** Agreements drafted on the case, found in its log (there is no separate list endpoint). */
export function AgreementsOfCase({ c }: { c: CaseView }) {
  const { t, dateTime } = useI18n();
  const drafted = c.timeline.filter((e) => e.type === 'AGREEMENT_DRAFTED' && typeof e.details.agreementId === 'string');
  if (drafted.length === 0) return null;
  const effective = new Set(c.timeline.filter((e) => e.type === 'AGREEMENT_EFFECTIVE').map((e) => String(e.details.agreementId)));
  return (
    <section aria-labelledby="agreements-title" data-testid="case-agreements">
      <h2 id="agreements-title">{t('agreement.listTitle')}</h2>
      <ul className="doc-list">
        {drafted.map((e) => {
          const id = String(e.details.agreementId);
          return (
            <li key={id}>
              <Link href={`/agreements/${id}`}>{typeof e.details.title === 'string' ? e.details.title : id}</Link>
              <span className="muted">{dateTime(e.at)}</span>
              <span className={`badge${effective.has(id) ? ' badge-settled' : ''}`}>{effective.has(id) ? t('agreement.effective') : t('agreement.awaiting')}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
