import { useEffect, useId, useState } from 'react';
import { get } from '../api/http.js';
import type { FoundUser, Role } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorBox } from './common.js';

const DEBOUNCE_MS = 250;

/** The court's staff and the case's parties matching a name or mobile number (GET /api/users). */
export function findUsers(caseId: string, q: string, role?: Role): Promise<FoundUser[]> {
  const params = new URLSearchParams({ caseId, ...(q ? { q } : {}), ...(role ? { role } : {}) });
  return get<{ users: FoundUser[] }>(`/api/users?${params.toString()}`).then((r) => r.users);
}

/** How a found person is introduced: their name and what they are to the case. */
export function useDescribeUser(): (u: FoundUser) => string {
  const { t } = useI18n();
  return (u) => {
    const what = u.side ? t(`side.${u.side}`) : u.roles.map((r) => t(`role.${r}`)).join(t('common.listSeparator'));
    return t('people.describe', { name: u.name, what });
  };
}

/**
 * Search-as-you-type for the people staff may invite: no one has to know or
 * type a user id. Results are plain buttons, so the list works with a keyboard
 * and a screen reader without an ARIA combobox.
 */
export function UserPicker({ caseId, label, exclude, onPick }: { caseId: string; label: string; exclude: readonly string[]; onPick: (u: FoundUser) => void }) {
  const { t } = useI18n();
  const describe = useDescribeUser();
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<FoundUser[]>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setFound(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      findUsers(caseId, term).then(
        (users) => {
          if (!live) return;
          setFound(users);
          setError(undefined);
        },
        (err: unknown) => {
          if (live) setError(err);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [caseId, q]);

  const shown = found?.filter((u) => !exclude.includes(u.id));
  return (
    <div className="user-picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} type="search" value={q} autoComplete="off" aria-describedby={`${id}-hint`} onChange={(e) => setQ(e.target.value)} />
        <p id={`${id}-hint`} className="hint">
          {t('people.searchHint')}
        </p>
      </div>
      <ErrorBox error={error} />
      <div aria-live="polite">
        {shown && shown.length === 0 && <p className="muted">{t('people.noneFound')}</p>}
        {shown && shown.length > 0 && (
          <ul className="people found-people">
            {shown.map((u) => (
              <li key={u.id}>
                <span>{describe(u)}</span>
                <button
                  type="button"
                  onClick={() => {
                    onPick(u);
                    setQ('');
                  }}
                  aria-label={t('people.addNamed', { name: u.name })}
                >
                  {t('people.add')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
