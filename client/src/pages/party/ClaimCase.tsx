import { useState, type FormEvent } from 'react';
import { post } from '../../api/http.js';
import { ErrorBox, TextField, useAction } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { navigate } from '../../router.js';

/**
 * A defendant enters the access code printed on the summons or notice the court served on
 * them; the case then appears among their own. The code is the court's proof of who they are.
 */
export function ClaimCase() {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const res = await post<{ case: { id: string } }>('/api/cases/claim', { code: code.trim() });
      navigate(`/cases/${res.case.id}`);
    });
  };
  return (
    <details className="card">
      <summary>{t('claim.title')}</summary>
      <p>{t('claim.lead')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <TextField label={t('claim.code')} hint={t('claim.hint')} autoComplete="off" spellCheck={false} maxLength={20} value={code} onChange={(e) => setCode(e.target.value)} required />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || code.trim() === ''}>
          {t('claim.submit')}
        </button>
      </form>
    </details>
  );
}
