import { useState, type FormEvent } from 'react';
import { checkIdNumber } from '../../../state-machines/rules/idNumber.js';
import { ApiError, post } from '../api/http.js';
import { homeFor, useSession } from '../api/session.js';
import { ErrorBox, SelectField, TextArea, TextField, useAction } from '../components/common.js';
import { DEFAULT_COURT } from './party/filingSteps.js';
import { CourtOptions, useCourts } from '../components/courts.js';
import { useI18n, type Translate } from '../i18n/i18n.js';
import { Link, navigate } from '../router.js';

const PHONE = /^1[3-9]\d{9}$/;
const SMS_CODE = /^\d{6}$/;
// Mirrors MIN_PASSWORD_LENGTH on the server, so people learn it before sending.
const MIN_PASSWORD = 10;

/** The ID number check as the person types: nothing while empty, the rule's own explanation otherwise. */
export function useIdNumberMessage(value: string): { error?: string; ok?: string } {
  const { lang, t } = useI18n();
  if (value.trim() === '') return {};
  const check = checkIdNumber(value);
  if (check.ok) return { ok: t('register.idOk') };
  return { error: lang === 'zh' ? check.messageZh : check.message };
}

function phoneError(t: Translate, phone: string): string | undefined {
  return phone && !PHONE.test(phone.trim()) ? t('register.phoneInvalid') : undefined;
}

export function RegisterPage() {
  const { t } = useI18n();
  const { login } = useSession();
  const [form, setForm] = useState({ name: '', idNumber: '', phone: '', password: '', confirm: '', smsCode: '' });
  const { busy, error, run } = useAction();
  const sending = useAction();
  const [codeSent, setCodeSent] = useState(false);
  // The ID number is held by another account: the person may ask the court to review it.
  const [idTaken, setIdTaken] = useState(false);
  const [review, setReview] = useState({ court: DEFAULT_COURT, statement: '' });
  const courts = useCourts();
  const [reviewSent, setReviewSent] = useState(false);
  const [tried, setTried] = useState(false);
  const id = useIdNumberMessage(form.idNumber);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const problems = {
    name: form.name.trim() === '' ? t('register.nameRequired') : undefined,
    idNumber: form.idNumber.trim() === '' ? t('register.idRequired') : id.error,
    phone: form.phone.trim() === '' ? t('register.phoneRequired') : phoneError(t, form.phone),
    password: form.password.length < MIN_PASSWORD ? t('register.passwordShort', { n: MIN_PASSWORD }) : undefined,
    confirm: form.confirm !== form.password ? t('register.passwordMismatch') : undefined,
    smsCode: SMS_CODE.test(form.smsCode.trim()) ? undefined : t('register.codeRequired'),
  };
  // Empty fields are flagged only after a first attempt; a wrong ID number at once.
  const shown = (k: keyof typeof problems) => (tried || (k !== 'name' && form[k] !== '') ? problems[k] : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.values(problems).some(Boolean)) return;
    await run(async () => {
      try {
        await post('/api/auth/register', { ...identity(), smsCode: form.smsCode.trim() });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'ID_NUMBER_TAKEN') setIdTaken(true);
        throw err;
      }
      const user = await login(form.phone.trim(), form.password);
      navigate(homeFor(user), { replace: true });
    });
  };

  const identity = () => ({ name: form.name.trim(), idNumber: form.idNumber.trim().toUpperCase(), phone: form.phone.trim(), password: form.password });

  const sendCode = async () => {
    if (problems.phone) {
      setTried(true);
      return;
    }
    await sending.run(async () => {
      await post('/api/auth/sms-code', { phone: form.phone.trim(), purpose: 'register' });
      setCodeSent(true);
    });
  };

  const askReview = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await post('/api/identity-reviews', { ...identity(), smsCode: form.smsCode.trim(), court: review.court, statement: review.statement.trim() });
      setReviewSent(true);
    });
  };

  if (reviewSent) {
    return (
      <section className="narrow card">
        <h1 tabIndex={-1}>{t('register.title')}</h1>
        <p role="status">{t('register.reviewSent')}</p>
      </section>
    );
  }

  if (idTaken) {
    return (
      <section className="narrow card">
        <h1 tabIndex={-1}>{t('register.askReview')}</h1>
        <p className="lead">{t('register.idTaken')}</p>
        <form onSubmit={askReview} noValidate aria-busy={busy}>
          <SelectField label={t('register.court')} value={review.court} onChange={(e) => setReview({ ...review, court: e.target.value })}>
            <CourtOptions courts={courts} value={review.court} />
          </SelectField>
          <TextArea label={t('register.statement')} value={review.statement} maxLength={2000} onChange={(e) => setReview({ ...review, statement: e.target.value })} />
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('register.askReview')}
          </button>
        </form>
      </section>
    );
  }

  return (
    <section className="narrow card">
      <h1 tabIndex={-1}>{t('register.title')}</h1>
      <p className="lead">{t('register.lead')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <TextField label={t('field.realName')} name="name" autoComplete="name" value={form.name} onChange={set('name')} error={shown('name')} required />
        <TextField label={t('field.idNumber')} name="idNumber" hint={t('register.idHint')} autoComplete="off" maxLength={18} spellCheck={false} value={form.idNumber} onChange={set('idNumber')} error={shown('idNumber')} ok={id.ok} required />
        <TextField label={t('field.phone')} name="phone" type="tel" inputMode="numeric" autoComplete="tel" value={form.phone} onChange={set('phone')} error={shown('phone')} required />
        <button type="button" onClick={() => void sendCode()} disabled={sending.busy}>
          {t('register.sendCode')}
        </button>
        {codeSent && <p role="status">{t('register.codeSent')}</p>}
        <ErrorBox error={sending.error} />
        <TextField label={t('register.smsCode')} name="smsCode" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={form.smsCode} onChange={set('smsCode')} error={shown('smsCode')} required />
        <TextField label={t('field.password')} name="password" type="password" autoComplete="new-password" hint={t('register.passwordHint', { n: MIN_PASSWORD })} value={form.password} onChange={set('password')} error={shown('password')} required />
        <TextField label={t('field.passwordConfirm')} name="confirm" type="password" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} error={shown('confirm')} required />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('register.busy') : t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <Link href="/login">{t('register.loginLink')}</Link>
      </p>
    </section>
  );
}
