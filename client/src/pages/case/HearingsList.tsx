import { useState, type FormEvent } from 'react';
import { get, patch } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { Hearing } from '../../api/types.js';
import { ErrorBox, TextField, useAction, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { roomWords } from '../../hearing/roomWords.js';
import { Link } from '../../router.js';
import { toInstant, toLocalInput } from './ScheduleHearing.js';

/** Court staff move a session that has not opened; the reason goes to every participant. */
function Reschedule({ h, onMoved }: { h: Hearing; onMoved: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [startsAt, setStartsAt] = useState(() => toLocalInput(h.startsAt));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-expanded={false}>
        {t('hearings.reschedule')}
      </button>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setProblem(t('hearings.reasonRequired'));
      return;
    }
    setProblem(undefined);
    await run(async () => {
      await patch(`/api/hearings/${h.id}`, { startsAt: toInstant(startsAt), reason: reason.trim() });
      setOpen(false);
      onMoved();
    });
  };
  return (
    <form className="reschedule" onSubmit={submit} noValidate aria-busy={busy} data-testid="reschedule-form">
      <TextField label={t('hearings.newTime')} name="startsAt" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
      <TextField label={t('hearings.rescheduleReason')} name="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} error={problem} required />
      <ErrorBox error={error} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {t('hearings.rescheduleSubmit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * Hearings and mediation sessions with a join button for those I take part in:
 * a case's (`caseId`), or, without one, every open session I am summoned to.
 */
export function HearingsList({ caseId, version = 0 }: { caseId?: string; version?: number }) {
  const { t, dateTime } = useI18n();
  const { user, hasRole } = useSession();
  const staff = hasRole('clerk', 'judge', 'mediator');
  const url = caseId ? `/api/cases/${caseId}/hearings` : '/api/hearings';
  const { data, error, reload } = useLoad(() => get<{ hearings: Hearing[] }>(url), [url, version]);
  if (!data || data.hearings.length === 0) return error ? <ErrorBox error={error} /> : null;
  const titleId = caseId ? 'hearings-title' : 'my-hearings-title';
  return (
    <section aria-labelledby={titleId} data-testid={caseId ? 'hearings' : 'my-hearings'}>
      <h2 id={titleId}>{t(caseId ? 'hearings.title' : 'hearings.mine')}</h2>
      <ul className="hearing-list">
        {data.hearings.map((h) => {
          const me = h.participants.find((p) => p.userId === user?.id);
          const stateKey = `sessionState.${h.state}`;
          return (
            <li key={h.id} className="card">
              <p>
                <strong>{t(`hearingKind.${h.kind}`)}</strong> · <time dateTime={h.startsAt}>{dateTime(h.startsAt)}</time> ·{' '}
                <span className="badge">{roomWords(t, h.kind === 'mediation')(stateKey)}</span>
              </p>
              <p className="muted">{t('hearings.who', { names: h.participants.map((p) => p.name).join(t('common.listSeparator')) })}</p>
              {me && h.state !== 'closed' && (
                <Link href={`/hearings/${h.id}`} className="button primary" data-testid="join-hearing">
                  {h.kind === 'mediation'
                    ? me.role === 'mediator'
                      ? t('mediations.open')
                      : t('hearings.joinMediation')
                    : me.role === 'judge'
                      ? t('hearings.openBench')
                      : t('hearings.join')}
                </Link>
              )}
              {(staff || h.state === 'closed') && h.state !== 'scheduled' && (
                <Link href={`/hearings/${h.id}/record`} className="button" data-testid="open-record">
                  {t('record.open')}
                </Link>
              )}
              {staff && caseId && h.state === 'scheduled' && <Reschedule h={h} onMoved={reload} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
