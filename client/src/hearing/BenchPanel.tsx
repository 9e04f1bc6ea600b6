import { useState } from 'react';
import type { ParticipantView } from '../../../protocol/hearing.js';
import { hasKey, useI18n } from '../i18n/i18n.js';
import { CaucusPanel } from './CaucusPanel.js';
import type { HearingClient, HearingSnapshot } from './hearingClient.js';

type SessionAction = 'start' | 'pause' | 'resume' | 'suspend' | 'close';

const ACTIONS_BY_STATE: Record<string, SessionAction[]> = {
  open: ['start'],
  inSession: ['pause', 'suspend'],
  paused: ['resume', 'suspend'],
  suspended: ['resume'],
};

function PersonLine({ p }: { p: ParticipantView }) {
  const { t } = useI18n();
  const roleKey = `role.${p.role}`;
  return (
    <span>
      <strong>{p.name}</strong> <span className="muted">{hasKey(roleKey) ? t(roleKey) : p.role}</span>
    </span>
  );
}

/** The judge's (or mediator's) controls: the session, recording, the waiting room and the people in the room. */
export function BenchPanel({ client, snap }: { client: HearingClient; snap: HearingSnapshot }) {
  const { t } = useI18n();
  const [confirmClose, setConfirmClose] = useState(false);
  const state = snap.hearing?.state ?? 'open';
  const others = snap.participants.filter((p) => !p.isHost);
  const waiting = others.filter((p) => p.status === 'waiting');
  const inRoom = others.filter((p) => p.status === 'admitted' || p.status === 'inCaucus');
  const hands = snap.participants.filter((p) => p.handRaised);

  return (
    <aside className="bench" aria-labelledby="bench-title" data-testid="bench">
      <h2 id="bench-title">{snap.hearing?.kind === 'mediation' ? t('bench.titleMediation') : t('bench.title')}</h2>

      <section aria-labelledby="bench-session">
        <h3 id="bench-session">{t('bench.session')}</h3>
        <div className="button-row">
          {(ACTIONS_BY_STATE[state] ?? []).map((a) => (
            <button key={a} type="button" className={a === 'start' || a === 'resume' ? 'primary' : undefined} onClick={() => void client.runSession(a)} data-testid={`session-${a}`}>
              {t(`bench.${a}`)}
            </button>
          ))}
          {state !== 'closed' &&
            (confirmClose ? (
              <>
                <button type="button" className="danger" onClick={() => void client.runSession('close')}>
                  {t('bench.closeConfirm')}
                </button>
                <button type="button" onClick={() => setConfirmClose(false)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <button type="button" onClick={() => setConfirmClose(true)}>
                {t('bench.close')}
              </button>
            ))}
        </div>
      </section>

      <section aria-labelledby="bench-recording">
        <h3 id="bench-recording">{t('bench.recording')}</h3>
        {snap.recording.active ? (
          <button type="button" className="danger" onClick={() => void client.recording('stop')} data-testid="recording-stop">
            {t('bench.recordStop')}
          </button>
        ) : (
          <button type="button" onClick={() => void client.recording('start')} data-testid="recording-start">
            {t('bench.recordStart')}
          </button>
        )}
        {snap.alerts.length > 0 && (
          <ul className="error-box" role="alert">
            {snap.alerts.map((a, i) => (
              <li key={i}>{t('bench.recordingAlert', { message: a })}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="bench-waiting">
        <h3 id="bench-waiting">{t('bench.waiting', { n: waiting.length })}</h3>
        {waiting.length === 0 && <p className="muted">{t('bench.nobodyWaiting')}</p>}
        <ul className="people" data-testid="waiting-list">
          {waiting.map((p) => (
            <li key={p.userId} data-user-id={p.userId}>
              <PersonLine p={p} />
              <button type="button" className="primary" onClick={() => void client.host('admit', p.userId)} aria-label={t('bench.admitNamed', { name: p.name })}>
                {t('bench.admit')}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="bench-hands">
        <h3 id="bench-hands">{t('bench.hands', { n: hands.length })}</h3>
        <ul className="people">
          {hands.map((p) => (
            <li key={p.userId}>
              <PersonLine p={p} />
            </li>
          ))}
        </ul>
        {hands.length > 0 && (
          <button type="button" onClick={() => void client.lowerAllHands()}>
            {t('bench.lowerAll')}
          </button>
        )}
      </section>

      <section aria-labelledby="bench-room">
        <h3 id="bench-room">{t('bench.inRoom', { n: inRoom.length })}</h3>
        <ul className="people">
          {inRoom.map((p) => (
            <li key={p.userId} data-user-id={p.userId}>
              <PersonLine p={p} />
              {p.locked && <span className="badge">{t('bench.locked')}</span>}
              <div className="button-row">
                <button type="button" onClick={() => void client.mute(p.userId, false)} aria-label={t('bench.muteNamed', { name: p.name })}>
                  {t('bench.mute')}
                </button>
                {p.locked ? (
                  <button type="button" onClick={() => void client.host('unlock', p.userId)} aria-label={t('bench.unlockNamed', { name: p.name })}>
                    {t('bench.unlock')}
                  </button>
                ) : (
                  <button type="button" onClick={() => void client.mute(p.userId, true)} aria-label={t('bench.muteLockNamed', { name: p.name })}>
                    {t('bench.muteLock')}
                  </button>
                )}
                <button type="button" onClick={() => void client.host('dismiss', p.userId)} aria-label={t('bench.dismissNamed', { name: p.name })}>
                  {t('bench.dismiss')}
                </button>
                <button type="button" className="danger" onClick={() => void client.host('remove', p.userId)} aria-label={t('bench.removeNamed', { name: p.name })}>
                  {t('bench.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>
      {snap.hearing?.kind === 'mediation' && <CaucusPanel client={client} snap={snap} />}
    </aside>
  );
}
