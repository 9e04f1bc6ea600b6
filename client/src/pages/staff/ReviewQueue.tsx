import { useState } from 'react';
import { CaseList } from '../../components/CaseList.js';
import { get } from '../../api/http.js';
import type { CaseSummary, CaseView } from '../../api/types.js';
import { Findings, NextDeadlineLine, partiesText } from '../../components/caseBits.js';
import { ErrorBox, Loading, StatusBadge, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ReviewPanel } from '../case/ClerkPanels.js';

/** One filing in the queue: its automatic findings at a glance, the decision one click away. */
function QueueItem({ summary, onDecided }: { summary: CaseSummary; onDecided: () => void }) {
  const { t, date, dateTime, pick, money } = useI18n();
  const { data: c, error } = useLoad(() => get<CaseView>(`/api/cases/${summary.id}`), [summary.id]);
  const [open, setOpen] = useState(false);
  return (
    <li className="card queue-item" data-case-id={summary.id}>
      <div className="case-row-head">
        <Link href={`/cases/${summary.id}`} className="case-link" data-testid="case-row-title">
          {t('queue.filing', { type: summary.causeOfAction ? pick(summary.causeOfAction.zh, summary.causeOfAction.en) : t(`caseType.${summary.caseType}`), at: dateTime(summary.createdAt) })}
        </Link>
        <StatusBadge status={summary.status} />
      </div>
      <p className="case-row-parties" data-testid="case-parties">
        {partiesText(summary, t)}
      </p>
      {summary.claimAmount && <p className="muted">{t('list.amount', { amount: money(summary.claimAmount) })}</p>}
      {!summary.reviewDue && <NextDeadlineLine c={summary} />}
      {summary.reviewDue && (
        // CPL Art. 126: a complete filing is accepted or refused within 7 days.
        <p className={summary.reviewDue.overdue ? 'error-box' : 'muted'} data-testid="review-due" data-overdue={summary.reviewDue.overdue}>
          {summary.reviewDue.overdue
            ? t('queue.overdue', { by: date(summary.reviewDue.by), days: -summary.reviewDue.daysLeft })
            : t('queue.daysLeft', { by: date(summary.reviewDue.by), days: summary.reviewDue.daysLeft })}
        </p>
      )}
      <ErrorBox error={error} />
      {!c && !error && <Loading />}
      {c && (
        <>
          <p className="muted">{t('queue.parties', { defendants: c.defendants.map((d) => d.name).join(t('common.listSeparator')), documents: c.documents.length })}</p>
          <h3 className="visually-hidden">{t('review.findings')}</h3>
          <Findings findings={c.findings} />
          {open ? (
            <ReviewPanel
              c={c}
              showFindings={false}
              onChanged={() => {
                setOpen(false);
                onDecided();
              }}
            />
          ) : (
            <button type="button" className="primary" onClick={() => setOpen(true)} aria-expanded={false}>
              {t('queue.review')}
            </button>
          )}
        </>
      )}
    </li>
  );
}

export function ReviewQueue() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('queue.title')}</h1>
        <button type="button" onClick={() => setTick((n) => n + 1)}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('queue.lead')}</p>
      <CaseList
        label={t('queue.title')}
        statusChoices={[
          { label: t('status.underReview'), statuses: 'underReview' },
          { label: t('status.correctionRequested'), statuses: 'correctionRequested' },
          { label: t('status.docketed'), statuses: 'docketed' },
        ]}
        defaultSort="filed"
        empty={t('queue.empty')}
        reloadKey={tick}
        renderRow={(c, reload) => <QueueItem key={c.id} summary={c} onDecided={reload} />}
      />
    </section>
  );
}
