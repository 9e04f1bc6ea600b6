import { useI18n } from '../i18n/i18n.js';
import type { HearingClient, HearingSnapshot } from './hearingClient.js';

/**
 * A mediation is recorded only with every party's consent (the server refuses
 * to start otherwise), so each party is asked here and may change their answer
 * until recording starts.
 */
export function RecordingConsent({ client, snap }: { client: HearingClient; snap: HearingSnapshot }) {
  const { t } = useI18n();
  const answer = snap.recordingConsent;
  return (
    <section className="notice" aria-labelledby="consent-title" data-testid="recording-consent">
      <h2 id="consent-title">{t('consent.title')}</h2>
      <p>{t('consent.text')}</p>
      {answer !== undefined && (
        <p role="status" className={answer ? 'ok-text' : undefined}>
          {answer ? t('consent.given') : t('consent.refused')}
        </p>
      )}
      <div className="button-row">
        <button type="button" className={answer === undefined ? 'primary' : undefined} aria-pressed={answer === true} onClick={() => void client.consentToRecording(true)}>
          {t('consent.agree')}
        </button>
        <button type="button" aria-pressed={answer === false} onClick={() => void client.consentToRecording(false)}>
          {t('consent.refuse')}
        </button>
      </div>
    </section>
  );
}
