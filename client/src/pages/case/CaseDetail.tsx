import { useEffect } from 'react';
import { get } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { CaseView } from '../../api/types.js';
import { Deadlines, Findings, partiesText, Timeline } from '../../components/caseBits.js';
import { DefendantService } from '../../components/serviceBits.js';
import { ErrorBox, Loading, StatusBadge, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { useNotifications } from '../../notifications/notificationCentre.js';
import { Documents } from './Documents.js';
import { HearingsList } from './HearingsList.js';
import { CorrectionPanel, PaymentPanel } from './PartyPanels.js';
import { ConfirmPaymentPanel, ReviewPanel } from './ClerkPanels.js';
import { ConsentPanel } from '../service/ConsentPanel.js';
import { ServicePanel } from '../service/ServicePanel.js';
import { Recordings } from './Recordings.js';
import { ScheduleHearing } from './ScheduleHearing.js';
import { AgreementsOfCase, DraftAgreement, MediationSteps, OPEN_FOR_MEDIATION } from './MediationPanel.js';
import { WithdrawPanel } from './WithdrawPanel.js';
import { DecisionPanel } from './DecisionPanel.js';
import { MediationDecisionPanel, MediationDecisionReceipts } from './MediationDecisionPanel.js';
import { AnswerPanel } from './AnswerPanel.js';
import { ReadingReviewPanel } from './ReadingReview.js';
import { FeeReliefApplication, FeeReliefDecision } from './FeeReliefPanel.js';
import { AssignOfficers } from '../admin/CourtAdmin.js';

// Not every change of a case is pushed to everyone looking at it (notifications go to the parties),
// so besides reacting to notifications about this case the page looks again now and then.
const REFRESH_MS = 8000;

export function CaseDetail({ caseId }: { caseId: string }) {
  const { t, pick, money, dateTime } = useI18n();
  const { hasRole } = useSession();
  const { data: c, error, reload, setData } = useLoad(() => get<CaseView>(`/api/cases/${caseId}`), [caseId]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const { latest } = useNotifications();
  useEffect(() => {
    if (latest?.caseId === caseId) reload();
  }, [latest, caseId, reload]);

  if (error && !c) return <ErrorBox error={error} />;
  if (!c) return <Loading />;
  const justFiled = new URLSearchParams(location.search).has('filed');
  // Panels for the party who filed, and for a defendant the complaint names.
  const isFiler = c.you === 'filer';
  const isStaff = hasRole('clerk', 'judge', 'mediator', 'admin');
  const can = (action: string) => c.allowedActions.includes(action);
  const mediationOfficer = hasRole('mediator', 'clerk') && OPEN_FOR_MEDIATION.has(c.status);
  // A judge schedules hearings, a mediator mediations, a clerk either.
  const kinds = [...(can('SCHEDULE_HEARING') && hasRole('judge', 'clerk') ? (['hearing'] as const) : []), ...(mediationOfficer ? (['mediation'] as const) : [])];

  return (
    <article className="case-page">
      <header className="page-head">
        <h1 tabIndex={-1} data-testid="case-number">
          {c.caseNumber ?? t('case.noNumberYet')}
        </h1>
        <StatusBadge status={c.status} />
      </header>
      {justFiled && c.status === 'underReview' && (
        <p className="notice ok" role="status">
          {t('case.filedNotice')}
        </p>
      )}
      <dl className="facts-grid" data-testid="case-header">
        <dt>{t('header.court')}</dt>
        <dd data-testid="case-court">{c.court ? pick(c.court.nameZh, c.court.nameEn) : c.courtId}</dd>
        <dt>{t('header.parties')}</dt>
        <dd data-testid="case-parties">{partiesText(c, t)}</dd>
        <dt>{t('header.representatives')}</dt>
        <dd>{c.representatives.length > 0 ? c.representatives.map((r) => t('list.partyLine', { side: t(`list.side.${r.side}`), name: r.name })).join(t('list.partySeparator')) : '—'}</dd>
        <dt>{t('header.judge')}</dt>
        <dd data-testid="case-judge">{c.judge?.name ?? t('list.noJudge')}</dd>
        <dt>{t('header.clerk')}</dt>
        <dd data-testid="case-clerk">{c.clerk?.name ?? t('list.noJudge')}</dd>
        <dt>{t('header.filed')}</dt>
        <dd>{dateTime(c.createdAt)}</dd>
        <dt>{t('field.caseType')}</dt>
        <dd>{t(`caseType.${c.caseType}`)}</dd>
        <dt>{t('cause.label')}</dt>
        <dd data-testid="case-cause">{c.causeOfAction ? pick(c.causeOfAction.zh, c.causeOfAction.en) : '—'}</dd>
        {c.claimAmount && (
          <>
            <dt>{t('field.claimAmount')}</dt>
            <dd>{money(c.claimAmount)}</dd>
          </>
        )}
        {c.fee && (
          <>
            <dt>{t('case.fee')}</dt>
            <dd data-testid="case-fee">{money(c.fee.amount)}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="deadlines-title">
        <h2 id="deadlines-title">{t('case.deadlines')}</h2>
        {c.deadlines.length > 0 ? <Deadlines deadlines={c.deadlines} /> : <p className="muted">{t('case.noDeadlines')}</p>}
      </section>
      {c.caseNumber && <DefendantService c={c} />}
      {(isFiler || isStaff) && <ReadingReviewPanel c={c} staff={isStaff} onChanged={setData} />}

      {isFiler && c.status === 'correctionRequested' && <CorrectionPanel c={c} onChanged={setData} />}
      {isFiler && c.status === 'docketed' && c.fee && <PaymentPanel c={c} />}
      {isFiler && ((c.status === 'docketed' && c.fee) || c.feeRelief.length > 0) && <FeeReliefApplication c={c} onChanged={setData} />}
      {hasRole('clerk', 'judge') && c.you === 'court' && <FeeReliefDecision c={c} onChanged={setData} />}
      {hasRole('admin') && c.you === 'court' && <AssignOfficers c={c} onChanged={setData} />}
      {can('ANSWER_FILED') && (c.you === 'defendant' || hasRole('clerk')) && <AnswerPanel c={c} onChanged={setData} />}
      {can('REVIEW_ACCEPT') && <ReviewPanel c={c} onChanged={setData} />}
      {hasRole('clerk') && c.status === 'docketed' && <ConfirmPaymentPanel c={c} onChanged={setData} />}
      {hasRole('mediator', 'clerk') && <MediationSteps c={c} onChanged={setData} />}
      {isStaff && kinds.length > 0 && <ScheduleHearing c={c} kinds={kinds} onScheduled={reload} />}
      {hasRole('judge') && can('DECIDE') && <DecisionPanel c={c} onChanged={setData} />}
      {hasRole('clerk') && c.caseNumber && <ServicePanel caseId={c.id} />}
      {(isFiler || c.you === 'defendant') && c.caseNumber && <ConsentPanel caseId={c.id} />}
      {hasRole('judge') && can('APPROVE_MEDIATION_AGREEMENT') && <MediationDecisionPanel c={c} onChanged={setData} />}
      <MediationDecisionReceipts c={c} clerk={hasRole('clerk')} onChanged={setData} />

      <HearingsList caseId={c.id} version={c.version} />
      <AgreementsOfCase c={c} />
      {mediationOfficer && <DraftAgreement c={c} />}
      <Recordings caseId={c.id} version={c.version} />

      {!can('REVIEW_ACCEPT') && (
        <section aria-labelledby="findings-title">
          <h2 id="findings-title">{t('case.findings')}</h2>
          <Findings findings={c.findings} />
        </section>
      )}
      <section aria-labelledby="claims-title">
        <h2 id="claims-title">{t('filing.claims')}</h2>
        <ol>
          {c.claims.map((cl, i) => (
            <li key={i}>{cl}</li>
          ))}
        </ol>
        <h3>{t('filing.facts')}</h3>
        <p className="pre">{c.facts}</p>
      </section>
      <Documents c={c} />
      {isFiler && can('WITHDRAW') && <WithdrawPanel c={c} onChanged={setData} />}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('case.timeline')}</h2>
        <Timeline entries={c.timeline} />
      </section>
    </article>
  );
}
