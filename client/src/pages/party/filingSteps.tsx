import { checkIdNumber } from '../../../../state-machines/rules/idNumber.js';
import { CASE_TYPES, type CaseType } from '../../api/types.js';
import { SelectField, TextArea, TextField } from '../../components/common.js';
import { CausePicker } from '../../components/CausePicker.js';
import { CourtOptions, useCourts } from '../../components/courts.js';
import { FilePicker, type PickedFile } from '../../components/FilePicker.js';
import { useI18n, type Translate } from '../../i18n/i18n.js';
import { FeePreview } from './feeQuote.js';

export interface Defendant {
  name: string;
  idNumber: string;
  phone: string;
}

export interface Draft {
  court: string;
  caseType: CaseType;
  claimAmount: string;
  /** 案由 code from GET /api/causes. */
  causeOfAction: string;
  defendants: Defendant[];
  claims: string[];
  facts: string;
  files: PickedFile[];
}

export const emptyDraft = (): Draft => ({
  court: 'bj-chaoyang',
  caseType: 'property',
  claimAmount: '',
  causeOfAction: '',
  defendants: [{ name: '', idNumber: '', phone: '' }],
  claims: [''],
  facts: '',
  files: [],
});

/** The court a new filing starts with; the form offers every court of GET /api/courts. */
export const DEFAULT_COURT = 'bj-chaoyang';

type Problems = Record<string, string>;
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const PHONE = /^1[3-9]\d{9}$/;

/** What stops each step from going on; keys name the fields so messages sit next to them. */
export function stepProblems(step: number, d: Draft, t: Translate, lang: 'zh' | 'en'): Problems {
  const p: Problems = {};
  if (step === 0) {
    if (d.causeOfAction === '') p.causeOfAction = t('cause.required');
    if (d.caseType === 'property' && d.claimAmount.trim() === '') p.claimAmount = t('filing.amountRequired');
    else if (d.claimAmount.trim() !== '' && !AMOUNT.test(d.claimAmount.trim())) p.claimAmount = t('error.AMOUNT_FORMAT');
  }
  if (step === 1) {
    d.defendants.forEach((def, i) => {
      if (def.name.trim() === '') p[`def${i}.name`] = t('filing.defendantNameRequired');
      if (def.idNumber.trim() !== '') {
        const check = checkIdNumber(def.idNumber);
        if (!check.ok) p[`def${i}.idNumber`] = lang === 'zh' ? check.messageZh : check.message;
      }
      if (def.phone.trim() !== '' && !PHONE.test(def.phone.trim())) p[`def${i}.phone`] = t('register.phoneInvalid');
    });
  }
  if (step === 2) {
    if (d.claims.every((c) => c.trim() === '')) p.claims = t('filing.claimRequired');
    if (d.facts.trim() === '') p.facts = t('filing.factsRequired');
  }
  if (step === 3) {
    if (!d.files.some((f) => f.kind === 'complaint')) p.complaint = t('filing.complaintRequired');
    if (!d.files.some((f) => f.kind === 'idProof')) p.idProof = t('filing.idProofRequired');
  }
  return p;
}

interface StepProps {
  draft: Draft;
  update: (d: Partial<Draft>) => void;
  problems: Problems;
}

export function DetailsStep({ draft, update, problems }: StepProps) {
  const { t } = useI18n();
  const courts = useCourts();
  return (
    <>
      <SelectField label={t('field.court')} value={draft.court} onChange={(e) => update({ court: e.target.value })} data-testid="court-select">
        <CourtOptions courts={courts} value={draft.court} />
      </SelectField>
      <SelectField label={t('field.caseType')} name="caseType" value={draft.caseType} onChange={(e) => update({ caseType: e.target.value as CaseType })}>
        {CASE_TYPES.map((c) => (
          <option key={c} value={c}>
            {t(`caseType.${c}`)}
          </option>
        ))}
      </SelectField>
      <CausePicker value={draft.causeOfAction} onChange={(causeOfAction) => update({ causeOfAction })} error={problems.causeOfAction} />
      <TextField
        label={draft.caseType === 'divorce' ? t('filing.divorcePropertyAmount') : draft.caseType === 'personality' ? t('filing.personalityDamagesAmount') : t('field.claimAmount')}
        name="claimAmount"
        inputMode="decimal"
        hint={draft.caseType === 'property' ? t('filing.amountHintProperty') : draft.caseType === 'divorce' || draft.caseType === 'personality' ? t('filing.amountHintFee') : t('filing.amountHintOther')}
        value={draft.claimAmount}
        onChange={(e) => update({ claimAmount: e.target.value })}
        error={problems.claimAmount}
      />
      <FeePreview caseType={draft.caseType} amount={draft.claimAmount} court={draft.court} />
    </>
  );
}

export function PartiesStep({ draft, update, problems, plaintiff }: StepProps & { plaintiff: string }) {
  const { t, lang } = useI18n();
  const setDef = (i: number, patch: Partial<Defendant>) => update({ defendants: draft.defendants.map((d, j) => (j === i ? { ...d, ...patch } : d)) });
  return (
    <>
      <section aria-labelledby="plaintiff-title">
        <h3 id="plaintiff-title">{t('filing.plaintiff')}</h3>
        <p>
          <span data-name>{plaintiff}</span> <span className="muted">{t('filing.plaintiffIsYou')}</span>
        </p>
      </section>
      {draft.defendants.map((d, i) => {
        const check = d.idNumber.trim() !== '' ? checkIdNumber(d.idNumber) : undefined;
        const liveIdError = check && !check.ok ? (lang === 'zh' ? check.messageZh : check.message) : undefined;
        return (
          <fieldset key={i} className="defendant">
            <legend>{t('filing.defendantN', { n: i + 1 })}</legend>
            <TextField label={t('field.defendantName')} name={`defendant${i}Name`} value={d.name} onChange={(e) => setDef(i, { name: e.target.value })} error={problems[`def${i}.name`]} />
            <TextField label={t('field.idNumberOptional')} name={`defendant${i}Id`} maxLength={18} value={d.idNumber} onChange={(e) => setDef(i, { idNumber: e.target.value })} error={liveIdError} ok={check?.ok ? t('register.idOk') : undefined} />
            <TextField label={t('field.phoneOptional')} name={`defendant${i}Phone`} type="tel" value={d.phone} onChange={(e) => setDef(i, { phone: e.target.value })} error={problems[`def${i}.phone`]} />
            {draft.defendants.length > 1 && (
              <button type="button" className="link-button" onClick={() => update({ defendants: draft.defendants.filter((_, j) => j !== i) })}>
                {t('filing.removeDefendant', { n: i + 1 })}
              </button>
            )}
          </fieldset>
        );
      })}
      <button type="button" onClick={() => update({ defendants: [...draft.defendants, { name: '', idNumber: '', phone: '' }] })}>
        {t('filing.addDefendant')}
      </button>
    </>
  );
}

export function ClaimsStep({ draft, update, problems }: StepProps) {
  const { t } = useI18n();
  return (
    <>
      <fieldset>
        <legend>{t('filing.claims')}</legend>
        {draft.claims.map((c, i) => (
          <div key={i} className="claim-row">
            <TextArea label={t('filing.claimN', { n: i + 1 })} name={`claim${i}`} rows={2} value={c} onChange={(e) => update({ claims: draft.claims.map((x, j) => (j === i ? e.target.value : x)) })} />
            {draft.claims.length > 1 && (
              <button type="button" className="link-button" onClick={() => update({ claims: draft.claims.filter((_, j) => j !== i) })}>
                {t('filing.removeClaim', { n: i + 1 })}
              </button>
            )}
          </div>
        ))}
        {problems.claims && <p className="field-error" role="alert">{problems.claims}</p>}
        <button type="button" onClick={() => update({ claims: [...draft.claims, ''] })}>
          {t('filing.addClaim')}
        </button>
      </fieldset>
      <TextArea label={t('filing.facts')} name="facts" rows={6} value={draft.facts} onChange={(e) => update({ facts: e.target.value })} error={problems.facts} />
    </>
  );
}

export function MaterialsStep({ draft, update, problems }: StepProps) {
  const { t } = useI18n();
  const onChange = (files: PickedFile[]) => update({ files });
  return (
    <>
      <p className="lead">{t('filing.materialsLead')}</p>
      <FilePicker kind="complaint" files={draft.files} onChange={onChange} required />
      {problems.complaint && <p className="field-error" role="alert">{problems.complaint}</p>}
      <FilePicker kind="idProof" files={draft.files} onChange={onChange} required />
      {problems.idProof && <p className="field-error" role="alert">{problems.idProof}</p>}
      <FilePicker kind="evidence" files={draft.files} onChange={onChange} />
    </>
  );
}
