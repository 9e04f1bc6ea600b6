import type { CaseView } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * Service of the complaint copy on each defendant, and each one's answer deadline: shown
 * whatever the case's stage, so a hearing fixed before service never hides the deadline.
 */
export function DefendantService({ c }: { c: Pick<CaseView, 'service'> }) {
  const { t, date, dateTime } = useI18n();
  const { defendants, served } = c.service;
  if (served.length === 0 && defendants === 0) return null;
  return (
    <section aria-labelledby="service-title" data-testid="defendant-service">
      <h2 id="service-title">{t('service.title')}</h2>
      <p className="muted">{t('service.count', { served: served.length, defendants })}</p>
      {served.length > 0 && (
        <ul className="deadlines">
          {served.map((s, i) => (
            <li key={s.defendantId} data-state={s.state}>
              {t('service.line', { n: i + 1, servedAt: dateTime(s.servedAt), answerBy: date(s.answerBy) })}{' '}
              <span className="badge">{t(`service.state.${s.state}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
