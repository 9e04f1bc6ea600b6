import type { CaseSummary, Deadline, Finding, TimelineEntry } from '../api/types.js';
import { hasKey, useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { StatusBadge } from './common.js';

export function Deadlines({ deadlines }: { deadlines: Deadline[] }) {
  const { t, pick, date } = useI18n();
  if (deadlines.length === 0) return null;
  return (
    <ul className="deadlines">
      {deadlines.map((d) => (
        // Appeal periods run per party: one entry each.
        <li key={'partyId' in d ? `${d.kind}:${d.partyId}` : d.kind}>
          {t('case.deadlineLine', { label: pick(d.labelZh, d.labelEn), date: date(d.date) })}
          {d.provisional && (
            <span className="badge provisional" data-testid="deadline-provisional" title={t('case.provisionalHint')}>
              {' '}
              {t('case.provisional')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Findings({ findings }: { findings: Finding[] }) {
  const { t, pick } = useI18n();
  if (findings.length === 0) return <p className="ok-text">{t('case.noFindings')}</p>;
  return (
    <ul className="findings">
      {findings.map((f, i) => (
        <li key={`${f.code}-${i}`} data-code={f.code}>
          {pick(f.messageZh, f.message)}
        </li>
      ))}
    </ul>
  );
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t, dateTime } = useI18n();
  return (
    <ol className="timeline">
      {[...entries].reverse().map((e) => {
        const key = `event.${e.type}`;
        const who = `role.${e.by}`;
        return (
          <li key={e.seq}>
            <time dateTime={e.at}>{dateTime(e.at)}</time>
            <span className="timeline-what">{hasKey(key) ? t(key) : e.type}</span>
            <span className="muted">{hasKey(who) ? t(who) : e.by}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** One row of a case list: the same for a party's cases, the clerk's queue and the docket. */
export function CaseRow({ c }: { c: CaseSummary }) {
  const { t, pick, dateTime } = useI18n();
  return (
    <li className="case-row card">
      <div className="case-row-head">
        <Link href={`/cases/${c.id}`} className="case-link">
          {c.caseNumber ?? t('case.noNumberYet')}
        </Link>
        <StatusBadge status={c.status} />
      </div>
      {c.you === 'defendant' && <p className="badge">{t('myCases.asDefendant')}</p>}
      <p className="muted">
        {t(`caseType.${c.caseType}`)}
        {c.causeOfAction && <> · {pick(c.causeOfAction.zh, c.causeOfAction.en)}</>} · {t('case.filedAt', { at: dateTime(c.createdAt) })}
      </p>
      <Deadlines deadlines={c.deadlines} />
    </li>
  );
}
