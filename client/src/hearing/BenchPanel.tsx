import { useState } from 'react';
import type { ParticipantView } from '../../../protocol/hearing.js';
import { hasKey, useI18n } from '../i18n/i18n.js';
import { CaucusPanel } from './CaucusPanel.js';
import type { HearingClient, HearingSnapshot } from './hearingClient.js';
import { roomWords } from './roomWords.js';

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
      {p.side && <span className="muted"> · {t(`side.${p.side}`)}</span>}
    </span>
  );
}

/** The present come first; then who is waiting; those not yet arrived last. */
const PRESENCE_ORDER = ['admitted', 'inCaucus', 'waiting', 'disconnected', 'absent'];

/**
 * Everyone summoned (the parties and their representatives, and the staff), arrived
 * or not, with where they are: the host sees at a glance who is still missing.
 */
function SummonedList({ snap, w }: { snap: HearingSnapshot; w: (key: string, vars?: Record<string, string | number>) => string }) {
  const { t } = useI18n();
  const people = [...snap.participants].sort((a, b) => PRESENCE_ORDER.indexOf(a.status) - PRESENCE_ORDER.indexOf(b.status));
  return (
    <section aria-labelledby="bench-summoned">
      <h3 id="bench-summoned">{t('bench.summoned', { n: people.length })}</h3>
      <ul className="people" data-testid="summoned-list">
        {people.map((p) => (
          <li key={p.userId} data-user-id={p.userId} data-presence={p.status}>
            {p.userId === snap.me?.userId ? (
              <span>
                <strong>{t('room.you', { name: p.name })}</strong>
              </span>
            ) : (
              <PersonLine p={p} />
            )}
            <span className={`badge presence-${p.status}`}>{w(`presence.${p.status}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The judge's (or mediator's) controls: the session, recording, the waiting room and the people in the room. */
export function BenchPanel({ client, snap }: { client: HearingClient; snap: HearingSnapshot }) {
  const { t } = useI18n();
  const w = roomWords(t, snap.hearing?.kind === 'mediation');
  const [confirmClose, setConfirmClose] = useState(false);
  const state = snap.hearing?.state ?? 'open';
  const others = snap.participants.filter((p) => !p.isHost);
  const waiting = others.filter((p) => p.status === 'waiting');
  const inRoom = others.filter((p) => p.status === 'admitted' || p.status === 'inCaucus');
  const hands = snap.participants.filter((p) => p.handRaised);

  return (
    <aside className="bench" aria-labelledby="bench-title" data-testid="bench">
      <h2 id="bench-title">{w('bench.title')}</h2>

      <section aria-labelledby="bench-session">
        <h3 id="bench-session">{w('bench.session')}</h3>
        <div className="button-row">
          {(ACTIONS_BY_STATE[state] ?? []).map((a) => (
            <button key={a} type="button" className={a === 'start' || a === 'resume' ? 'primary' : undefined} onClick={() => void client.runSession(a)} data-testid={`session-${a}`}>
              {w(`bench.${a}`)}
            </button>
          ))}
          {state !== 'closed' &&
            (confirmClose ? (
              <>
                <button type="button" className="danger" onClick={() => void client.runSession('close')}>
                  {w('bench.closeConfirm')}
                </button>
                <button type="button" onClick={() => setConfirmClose(false)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <button type="button" onClick={() => setConfirmClose(true)}>
                {w('bench.close')}
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

      <SummonedList snap={snap} w={w} />

      <section aria-labelledby="bench-waiting">
        <h3 id="bench-waiting">{w('bench.waiting', { n: waiting.length })}</h3>
        {waiting.length === 0 && <p className="muted">{w('bench.nobodyWaiting')}</p>}
        <ul className="people" data-testid="waiting-list">
          {waiting.map((p) => (
            <li key={p.userId} data-user-id={p.userId}>
              <PersonLine p={p} />
              <button type="button" className="primary" onClick={() => void client.host('admit', p.userId)} aria-label={w('bench.admitNamed', { name: p.name })}>
                {w('bench.admit')}
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
        <h3 id="bench-room">{w('bench.inRoom', { n: inRoom.length })}</h3>
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
                <button type="button" onClick={() => void client.host('dismiss', p.userId)} aria-label={w('bench.dismissNamed', { name: p.name })}>
                  {w('bench.dismiss')}
                </button>
                <button type="button" className="danger" onClick={() => void client.host('remove', p.userId)} aria-label={w('bench.removeNamed', { name: p.name })}>
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
