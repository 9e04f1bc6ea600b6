import { useState, type FormEvent } from 'react';
import { get, post } from '../../api/http.js';
import { ErrorBox, Loading, TextField, useAction, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

interface StaffRow {
  id: string;
  name: string;
  idNumber: string;
  phone: string;
  roles: StaffRole[];
  active: boolean;
}

const ROLES = ['clerk', 'judge', 'mediator', 'admin'] as const;
type StaffRole = (typeof ROLES)[number];

/** The court administrator's screen: the court's staff accounts, a new one, deactivate/reactivate. */
export function StaffAdmin() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => get<{ staff: StaffRow[] }>('/api/admin/staff'), []);
  const action = useAction();
  const [form, setForm] = useState({ name: '', idNumber: '', phone: '', password: '' });
  const [roles, setRoles] = useState<StaffRole[]>(['clerk']);
  const [created, setCreated] = useState<string>();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(undefined);
    await action.run(async () => {
      const res = await post<{ staff: StaffRow }>('/api/admin/staff', { ...form, idNumber: form.idNumber.trim().toUpperCase(), roles });
      setCreated(res.staff.name);
      setForm({ name: '', idNumber: '', phone: '', password: '' });
      reload();
    });
  };
  const toggle = (s: StaffRow) =>
    action.run(async () => {
      await post(`/api/admin/staff/${s.id}/${s.active ? 'deactivate' : 'reactivate'}`);
      reload();
    });

  return (
    <section>
      <h1 tabIndex={-1}>{t('admin.title')}</h1>
      <ErrorBox error={error ?? action.error} />
      {!data && !error && <Loading />}
      {data && (
        <table className="staff-table">
          <caption className="visually-hidden">{t('admin.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('field.realName')}</th>
              <th scope="col">{t('field.phone')}</th>
              <th scope="col">{t('admin.roles')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.action')}</th>
            </tr>
          </thead>
          <tbody>
            {data.staff.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.phone}</td>
                <td>{s.roles.map((r) => t(`admin.role.${r}`)).join('、')}</td>
                <td>{s.active ? t('admin.active') : t('admin.deactivated')}</td>
                <td>
                  <button type="button" onClick={() => void toggle(s)} disabled={action.busy}>
                    {s.active ? t('admin.deactivate', { name: s.name }) : t('admin.reactivate', { name: s.name })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('admin.newStaff')}</h2>
      <form onSubmit={create} noValidate aria-busy={action.busy}>
        <TextField label={t('field.realName')} value={form.name} onChange={set('name')} required />
        <TextField label={t('field.idNumber')} value={form.idNumber} maxLength={18} autoComplete="off" onChange={set('idNumber')} required />
        <TextField label={t('field.phone')} type="tel" inputMode="numeric" value={form.phone} onChange={set('phone')} required />
        <TextField label={t('admin.firstPassword')} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} required />
        <fieldset>
          <legend>{t('admin.roles')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} /> {t(`admin.role.${r}`)}
            </label>
          ))}
        </fieldset>
        {created && <p role="status">{t('admin.created', { name: created })}</p>}
        <button type="submit" className="primary" disabled={action.busy || roles.length === 0}>
          {t('admin.create')}
        </button>
      </form>
    </section>
  );
}
