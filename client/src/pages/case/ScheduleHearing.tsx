import { useEffect, useState, type FormEvent } from 'react';
import { get, post } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { CaseView, Payment } from '../../api/types.js';
import { ErrorBox, SelectField, TextField } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

const ROLES = ['judge', 'clerk', 'mediator', 'party', 'representative', 'witness', 'interpreter', 'observer'] as const;
type HearingRole = (typeof ROLES)[number];
interface Row {
  userId: string;
  role: HearingRole;
  side: '' | 'plaintiff' | 'defendant';
}
const USER_ID = /^[0-9a-f]{24}$/;

/** datetime-local has no zone; court times are Beijing times. */
function toInstant(local: string): string {
  return new Date(`${local}:00+08:00`).toISOString();
}

function defaultStart(): string {
  const d = new Date(Date.now() + 8 * 3600_000 + 3600_000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString().slice(0, 16);
}

/**
 * Scheduling needs user ids, and the API has no user directory: the filer's id is
 * taken from their fee payment (the payer), the scheduler's own from the session,
 * anyone else's must be typed in.
 */
export function ScheduleHearing({ c, onScheduled }: { c: CaseView; onScheduled: () => void }) {
  const { t } = useI18n();
  const { user, hasRole } = useSession();
  const myRole: HearingRole = hasRole('judge') ? 'judge' : hasRole('mediator') ? 'mediator' : 'clerk';
  const [kind, setKind] = useState<'hearing' | 'mediation'>('hearing');
  const [startsAt, setStartsAt] = useState(defaultStart);
  const [rows, setRows] = useState<Row[]>(() => [
    { userId: user?.id ?? '', role: myRole, side: '' },
    ...(myRole !== 'judge' ? [{ userId: '', role: 'judge' as const, side: '' as const }] : []),
  ]);
  const [error, setError] = useState<unknown>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState(false);
  // Once a hearing is on the calendar another one is the exception: the form waits behind a button.
  const [open, setOpen] = useState(c.status !== 'hearingScheduled');

  useEffect(() => {
    let live = true;
    get<{ payments: Payment[] }>(`/api/cases/${c.id}/payments`)
      .then(({ payments }) => {
        const payer = payments[0]?.payerId;
        if (!live || !payer) return;
        setRows((r) => (r.some((x) => x.userId === payer) ? r : [...r, { userId: payer, role: 'party', side: 'plaintiff' }]));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [c.id]);

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const filled = rows.filter((r) => r.userId.trim() !== '');
    if (filled.some((r) => !USER_ID.test(r.userId.trim())) || filled.length < 2) {
      setProblem(t('schedule.badParticipants'));
      return;
    }
    setProblem(undefined);
    setError(undefined);
    try {
      await post(`/api/cases/${c.id}/hearings`, {
        kind,
        startsAt: toInstant(startsAt),
        participants: filled.map((r) => ({ userId: r.userId.trim(), role: r.role, ...(r.side ? { side: r.side } : {}) })),
      });
      setDone(true);
      setOpen(false);
      onScheduled();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="schedule-title" data-testid="schedule-panel">
      <h2 id="schedule-title">{t('schedule.title')}</h2>
      {done && (
        <p className="notice ok" role="status">
          {t('schedule.done')}
        </p>
      )}
      {!open && (
        <button type="button" aria-expanded={false} onClick={() => setOpen(true)}>
          {t('schedule.another')}
        </button>
      )}
      {open && (
        <form onSubmit={submit} noValidate>
          <SelectField label={t('schedule.kind')} value={kind} onChange={(e) => setKind(e.target.value as 'hearing' | 'mediation')}>
            <option value="hearing">{t('hearingKind.hearing')}</option>
            <option value="mediation">{t('hearingKind.mediation')}</option>
          </SelectField>
          <TextField label={t('schedule.startsAt')} name="startsAt" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} hint={t('schedule.beijingTime')} />
          <fieldset>
            <legend>{t('schedule.participants')}</legend>
            <p className="hint">{t('schedule.idHint')}</p>
            {rows.map((r, i) => (
              <div className="participant-row" key={i}>
                <TextField label={t('schedule.userId', { n: i + 1 })} name={`participant${i}`} value={r.userId} spellCheck={false} onChange={(e) => setRow(i, { userId: e.target.value })} />
                <SelectField label={t('schedule.role', { n: i + 1 })} value={r.role} onChange={(e) => setRow(i, { role: e.target.value as HearingRole })}>
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`role.${role}`)}
                    </option>
                  ))}
                </SelectField>
                <SelectField label={t('schedule.side', { n: i + 1 })} value={r.side} onChange={(e) => setRow(i, { side: e.target.value as Row['side'] })}>
                  <option value="">{t('side.none')}</option>
                  <option value="plaintiff">{t('side.plaintiff')}</option>
                  <option value="defendant">{t('side.defendant')}</option>
                </SelectField>
                <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  {t('schedule.remove', { n: i + 1 })}
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setRows([...rows, { userId: '', role: 'party', side: '' }])}>
              {t('schedule.add')}
            </button>
          </fieldset>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <ErrorBox error={error} />
          <button type="submit" className="primary">
            {t('schedule.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
