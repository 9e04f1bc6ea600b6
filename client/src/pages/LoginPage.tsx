import { useState, type FormEvent } from 'react';
import { homeFor, useSession } from '../api/session.js';
import { ErrorBox, TextField, useAction } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, navigate } from '../router.js';

export function LoginPage() {
  const { t } = useI18n();
  const { login, expired } = useSession();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const registered = new URLSearchParams(location.search).has('registered');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const user = await login(phone.trim(), password);
      navigate(homeFor(user), { replace: true });
    });
  };

  return (
    <section className="narrow card">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      {expired && <p role="status" className="notice">{t('login.expired')}</p>}
      {registered && <p role="status" className="notice ok">{t('login.registered')}</p>}
      <form onSubmit={submit} aria-busy={busy} noValidate>
        <TextField label={t('field.phone')} name="phone" type="tel" inputMode="numeric" autoComplete="username" value={phone} onChange={(e) => setPhone(e.target.value)} required />
        <TextField label={t('field.password')} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <p>
        {t('login.noAccount')} <Link href="/register">{t('login.registerLink')}</Link>
      </p>
    </section>
  );
}
