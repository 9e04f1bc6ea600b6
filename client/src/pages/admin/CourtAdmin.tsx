import { useEffect, useState, type FormEvent } from 'react';
import { get, post, request } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, Loading, SelectField, TextField, useAction, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

interface Settings {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  payee?: { accountName: string; bank: string; accountNumber: string };
  contact?: { phone?: string; address?: string; email?: string };
}

interface AuditEntry {
  seq: number;
  type: string;
  at: string;
  actor: { name: string };
  subject: { kind: string; id: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The hash-chained administration log with its verification. */
export function AuditLog() {
  const { t, dateTime } = useI18n();
  const { data, error } = useLoad(() => get<{ verification: { valid: boolean; entries: number }; entries: AuditEntry[] }>('/api/admin/audit'), []);
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('courtAdmin.audit')}</h2>
      <ErrorBox error={error} />
      {data && (
        <p className={data.verification.valid ? 'ok-text' : 'error-box'} data-testid="audit-verification">
          {data.verification.valid ? t('courtAdmin.auditValid', { n: data.verification.entries }) : t('courtAdmin.auditInvalid')}
        </p>
      )}
      <ol className="timeline" data-testid="audit-log">
        {[...(data?.entries ?? [])].reverse().map((e) => (
          <li key={e.seq}>
            <time dateTime={e.at}>{dateTime(e.at)}</time> <span className="timeline-what">{t(`courtAdmin.action.${e.type}` as 'courtAdmin.action.STAFF_CREATED')}</span> <span className="muted">{e.actor.name}</span>
            <details>
              <summary>{t('courtAdmin.beforeAfter')}</summary>
              <pre className="pre">{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The court administrator's settings: names, court code, the payee account for fees, contact details. */
export function CourtAdmin() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<{ court: Settings }>('/api/admin/court'), []);
  const [form, setForm] = useState({ nameZh: '', nameEn: '', code: '', accountName: '', bank: '', accountNumber: '', phone: '', address: '', email: '' });
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    const c = data?.court;
    if (!c) return;
    setForm({ nameZh: c.nameZh, nameEn: c.nameEn, code: c.code, accountName: c.payee?.accountName ?? '', bank: c.payee?.bank ?? '', accountNumber: c.payee?.accountNumber ?? '', phone: c.contact?.phone ?? '', address: c.contact?.address ?? '', email: c.contact?.email ?? '' });
  }, [data]);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const payee = form.accountName || form.bank || form.accountNumber ? { payee: { accountName: form.accountName, bank: form.bank, accountNumber: form.accountNumber } } : {};
    const contact = Object.fromEntries(Object.entries({ phone: form.phone, address: form.address, email: form.email }).filter(([, v]) => v.trim() !== ''));
    await action.run(async () => {
      await request('/api/admin/court', { method: 'PUT', body: { nameZh: form.nameZh, nameEn: form.nameEn, code: form.code, ...payee, ...(Object.keys(contact).length > 0 ? { contact } : {}) } });
      setSaved(true);
    });
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('courtAdmin.title')}</h1>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <form className="card" onSubmit={save} noValidate>
          <TextField label={t('courtAdmin.nameZh')} value={form.nameZh} onChange={set('nameZh')} />
          <TextField label={t('courtAdmin.nameEn')} value={form.nameEn} onChange={set('nameEn')} />
          <TextField label={t('courtAdmin.code')} value={form.code} onChange={set('code')} />
          <fieldset>
            <legend>{t('courtAdmin.payee')}</legend>
            <TextField label={t('courtAdmin.accountName')} value={form.accountName} onChange={set('accountName')} />
            <TextField label={t('courtAdmin.bank')} value={form.bank} onChange={set('bank')} />
            <TextField label={t('courtAdmin.accountNumber')} value={form.accountNumber} onChange={set('accountNumber')} />
          </fieldset>
          <fieldset>
            <legend>{t('courtAdmin.contact')}</legend>
            <TextField label={t('courtAdmin.phone')} value={form.phone} onChange={set('phone')} />
            <TextField label={t('courtAdmin.address')} value={form.address} onChange={set('address')} />
            <TextField label={t('courtAdmin.email')} type="email" value={form.email} onChange={set('email')} />
          </fieldset>
          <ErrorBox error={action.error} />
          {saved && (
            <p className="notice ok" role="status">
              {t('courtAdmin.saved')}
            </p>
          )}
          <button type="submit" className="primary" disabled={action.busy}>
            {t('courtAdmin.save')}
          </button>
        </form>
      )}
      <AuditLog />
    </section>
  );
}

/** The platform administrator creates courts; the filing form offers them. */
export function PlatformCourts() {
  const { t, pick } = useI18n();
  const { data, error, reload } = useLoad(() => get<{ courts: Settings[] }>('/api/courts'), []);
  const [form, setForm] = useState({ id: '', code: '', nameZh: '', nameEn: '' });
  const action = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const create = async (e: FormEvent) => {
    e.preventDefault();
    await action.run(async () => {
      await post('/api/admin/courts', form);
      setForm({ id: '', code: '', nameZh: '', nameEn: '' });
      reload();
    });
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('platform.title')}</h1>
      <ErrorBox error={error} />
      <ul className="case-list" data-testid="court-list">
        {data?.courts.map((c) => (
          <li key={c.id} className="card">
            {pick(c.nameZh, c.nameEn)}（{c.code}） <span className="muted">{c.id}</span>
          </li>
        ))}
      </ul>
      <form className="card" onSubmit={create} noValidate>
        <h2>{t('platform.create')}</h2>
        <TextField label={t('platform.id')} hint={t('platform.idHint')} value={form.id} onChange={set('id')} />
        <TextField label={t('courtAdmin.code')} value={form.code} onChange={set('code')} />
        <TextField label={t('courtAdmin.nameZh')} value={form.nameZh} onChange={set('nameZh')} />
        <TextField label={t('courtAdmin.nameEn')} value={form.nameEn} onChange={set('nameEn')} />
        <ErrorBox error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          {t('platform.create')}
        </button>
      </form>
      <AuditLog />
    </section>
  );
}

/** On a case page, the court administrator assigns its judge and clerk. */
export function AssignOfficers({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { data } = useLoad(() => get<{ staff: { id: string; name: string; roles: string[]; active: boolean }[] }>('/api/admin/staff'), [user?.id]);
  const [judgeId, setJudgeId] = useState(c.judge?.id ?? '');
  const [clerkId, setClerkId] = useState(c.clerk?.id ?? '');
  const action = useAction();
  const of = (role: string) => (data?.staff ?? []).filter((s) => s.active && s.roles.includes(role));
  const save = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => onChanged(await post<CaseView>(`/api/cases/${c.id}/assignment`, { ...(judgeId ? { judgeId } : {}), ...(clerkId ? { clerkId } : {}) })));
  };
  return (
    <form className="card" onSubmit={save} aria-labelledby="assign-title" data-testid="assign-officers">
      <h2 id="assign-title">{t('assign.title')}</h2>
      <SelectField label={t('header.judge')} value={judgeId} onChange={(e) => setJudgeId(e.target.value)}>
        <option value="">{t('list.noJudge')}</option>
        {of('judge').map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('header.clerk')} value={clerkId} onChange={(e) => setClerkId(e.target.value)}>
        <option value="">{t('list.noJudge')}</option>
        {of('clerk').map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <ErrorBox error={action.error} />
      <button type="submit" className="primary" disabled={action.busy || (!judgeId && !clerkId)}>
        {t('assign.save')}
      </button>
    </form>
  );
}
