import { allowedRooms } from '../../../protocol/hearingTypes.js';
import { useI18n } from '../i18n/i18n.js';
import type { HearingClient, HearingSnapshot } from './hearingClient.js';

/**
 * The mediator's caucus controls: where everyone is, and buttons that move a
 * party (or the mediator) between the joint room and that side's private room.
 * Only rooms the server allows are offered, so a move is never refused for that.
 */
export function CaucusPanel({ client, snap }: { client: HearingClient; snap: HearingSnapshot }) {
  const { t } = useI18n();
  const present = snap.participants.filter((p) => p.status === 'admitted' || p.status === 'inCaucus');
  return (
    <section aria-labelledby="bench-caucus" data-testid="caucus-panel">
      <h3 id="bench-caucus">{t('caucus.title')}</h3>
      <p className="hint">{t('caucus.lead')}</p>
      <ul className="people">
        {present.map((p) => {
          const here = p.room ?? 'joint';
          const targets = allowedRooms('mediation', p.role, p.side).filter((r) => r !== here);
          const self = p.userId === snap.me?.userId;
          return (
            <li key={p.userId} data-user-id={p.userId} data-room={here}>
              <span>
                <strong>{self ? t('room.you', { name: p.name }) : p.name}</strong> <span className="muted">{t(`caucus.room.${here}`)}</span>
              </span>
              {targets.length > 0 && (
                <div className="button-row">
                  {targets.map((room) => (
                    <button key={room} type="button" onClick={() => void client.move(p.userId, room)}>
                      {self ? t(`caucus.goTo.${room}`) : t(`caucus.move.${room}`, { name: p.name })}
                    </button>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
