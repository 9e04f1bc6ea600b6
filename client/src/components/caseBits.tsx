import type { ReactNode } from 'react';
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

/** The parties with their sides: "原告 张三；被告 李四". */
export function partiesText(c: Pick<CaseSummary, 'parties'>, t: ReturnType<typeof useI18n>['t']): string {
  return c.parties.map((p) => t('list.partyLine', { side: t(`list.side.${p.side}`), name: p.name })).join(t('list.partySeparator'));
}

/** The next deadline and its days left, flagged once it has passed. */
export function NextDeadlineLine({ c }: { c: CaseSummary }) {
  const { t, pick, date } = useI18n();
  const d = c.nextDeadline;
  if (!d) return null;
  const days = d.overdue ? t('list.overdueBy', { days: Math.max(1, -d.daysLeft) }) : d.daysLeft === 0 ? t('list.dueToday') : t('list.daysLeft', { days: d.daysLeft });
  return (
    <p className={d.overdue ? 'deadline-overdue' : 'muted'} data-testid="next-deadline" data-overdue={d.overdue}>
      {t('list.nextDeadline', { label: pick(d.labelZh, d.labelEn), date: date(d.date), days })}
      {d.provisional && <> {t('case.provisional')}</>}
    </p>
  );
}

/** One row of a case list: the same for a party's cases, the clerk's queue, the docket and the mediator's list. */
export function CaseRow({ c, children }: { c: CaseSummary; children?: ReactNode }) {
  const { t, pick, date, money } = useI18n();
  return (
    <li className="case-row card" data-case-id={c.id}>
      <div className="case-row-head">
        <Link href={`/cases/${c.id}`} className="case-link" data-testid="case-row-title">
          {c.caseNumber ?? t('list.filedOn', { date: date(c.createdAt) })}
        </Link>
        <StatusBadge status={c.status} />
      </div>
      {c.you === 'defendant' && <p className="badge">{t('myCases.asDefendant')}</p>}
      <p className="case-row-parties" data-testid="case-parties">
        {partiesText(c, t)}
      </p>
      <p className="muted" data-testid="case-row-facts">
        {c.causeOfAction ? pick(c.causeOfAction.zh, c.causeOfAction.en) : t(`caseType.${c.caseType}`)}
        {c.claimAmount && <> · {t('list.amount', { amount: money(c.claimAmount) })}</>}
        {c.caseNumber && <> · {t('case.filedAt', { at: date(c.createdAt) })}</>}
        {c.judge && <> · {t('list.judgeIs', { name: c.judge.name })}</>}
      </p>
      <NextDeadlineLine c={c} />
      {children}
    </li>
  );
}
