import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { CaseView, FoundUser } from '../../api/types.js';
import { ErrorBox, SelectField, TextField, useAction } from '../../components/common.js';
import { findUsers, UserPicker } from '../../components/UserPicker.js';
import { useI18n } from '../../i18n/i18n.js';

const ROLES = ['judge', 'clerk', 'mediator', 'party', 'representative', 'witness', 'interpreter', 'observer'] as const;
type HearingRole = (typeof ROLES)[number];
type Kind = 'hearing' | 'mediation';
interface Row {
  userId: string;
  name: string;
  role: HearingRole;
  side: '' | 'plaintiff' | 'defendant';
}

/** datetime-local has no zone; court times are Beijing times. */
export function toInstant(local: string): string {
  return new Date(`${local}:00+08:00`).toISOString();
}

/** An instant as the value of a datetime-local input, in Beijing time. */
export function toLocalInput(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 16);
}

function defaultStart(): string {
  const d = new Date(Date.now() + 3600_000);
  d.setUTCMinutes(0, 0, 0);
  return toLocalInput(d.toISOString());
}

/** The role a found person most likely has in the session: a party's side makes them a party. */
function rowFor(u: FoundUser): Row {
  if (u.side) return { userId: u.id, name: u.name, role: 'party', side: u.side };
  const staffRole = u.roles.find((r): r is 'judge' | 'clerk' | 'mediator' => r === 'judge' || r === 'clerk' || r === 'mediator');
  return { userId: u.id, name: u.name, role: staffRole ?? 'party', side: '' };
}

/**
 * Scheduling a hearing (judge or clerk) or a mediation session (mediator or
 * clerk). The scheduler and the case's known parties are filled in; anyone
 * else is found by name or mobile number.
 */
export function ScheduleHearing({ c, kinds, onScheduled }: { c: CaseView; kinds: readonly Kind[]; onScheduled: () => void }) {
  const { t } = useI18n();
  const { user, hasRole } = useSession();
  const myRole: HearingRole = hasRole('judge') ? 'judge' : hasRole('mediator') ? 'mediator' : 'clerk';
  const [kind, setKind] = useState<Kind>(kinds[0] ?? 'hearing');
  const [startsAt, setStartsAt] = useState(defaultStart);
  const [rows, setRows] = useState<Row[]>(() => (user ? [{ userId: user.id, name: user.name, role: myRole, side: '' }] : []));
  const { busy, error, run } = useAction();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState(false);
  // Once a hearing is on the calendar another one is the exception: the form waits behind a button.
  const [open, setOpen] = useState(c.status !== 'hearingScheduled');

  useEffect(() => {
    let live = true;
    findUsers(c.id, '', 'party')
      .then((parties) => {
        if (!live) return;
        setRows((r) => [...r, ...parties.filter((p) => !r.some((x) => x.userId === p.id)).map(rowFor)]);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [c.id]);

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (rows.length < 2) {
      setProblem(t('schedule.tooFew'));
      return;
    }
    setProblem(undefined);
    await run(async () => {
      try {
        await post(`/api/cases/${c.id}/hearings`, {
          kind,
          startsAt: toInstant(startsAt),
          participants: rows.map((r) => ({ userId: r.userId, role: r.role, ...(r.side ? { side: r.side } : {}) })),
        });
      } catch (err) {
        // Refused as too early: the form offers the earliest lawful start (09:00 when that is midnight).
        const earliest = err instanceof ApiError ? (err.details as { earliestLawfulStart?: unknown } | undefined)?.earliestLawfulStart : undefined;
        if (typeof earliest === 'string') setStartsAt(toLocalInput(earliest).replace(/T00:00$/, 'T09:00'));
        throw err;
      }
      setDone(true);
      setOpen(false);
      onScheduled();
    });
  };

  return (
    <section className="card" aria-labelledby="schedule-title" data-testid="schedule-panel">
      <h2 id="schedule-title">{kinds.includes('hearing') ? t('schedule.title') : t('schedule.titleMediation')}</h2>
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
          {kinds.length > 1 ? (
            <SelectField label={t('schedule.kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`hearingKind.${k}`)}
                </option>
              ))}
            </SelectField>
          ) : (
            <p>
              <strong>{t('schedule.kind')}</strong> {t(`hearingKind.${kind}`)}
            </p>
          )}
          <TextField label={t('schedule.startsAt')} name="startsAt" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} hint={t('schedule.beijingTime')} />
          <fieldset>
            <legend>{t('schedule.participants')}</legend>
            {rows.map((r, i) => (
              <div className="participant-row" key={r.userId}>
                <p className="participant-name" data-name>
                  {r.name}
                </p>
                <SelectField label={t('schedule.roleOf', { name: r.name })} value={r.role} onChange={(e) => setRow(i, { role: e.target.value as HearingRole })}>
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {t(`role.${role}`)}
                    </option>
                  ))}
                </SelectField>
                <SelectField label={t('schedule.sideOf', { name: r.name })} value={r.side} onChange={(e) => setRow(i, { side: e.target.value as Row['side'] })}>
                  <option value="">{t('side.none')}</option>
                  <option value="plaintiff">{t('side.plaintiff')}</option>
                  <option value="defendant">{t('side.defendant')}</option>
                </SelectField>
                <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  {t('schedule.removeNamed', { name: r.name })}
                </button>
              </div>
            ))}
            <UserPicker caseId={c.id} label={t('schedule.find')} exclude={rows.map((r) => r.userId)} onPick={(u) => setRows([...rows, rowFor(u)])} />
          </fieldset>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('schedule.submit')}
          </button>
        </form>
      )}
    </section>
  );
}
