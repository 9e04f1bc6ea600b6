import { useEffect, useId, useMemo, useState } from 'react';
import { get } from '../api/http.js';
import { useI18n } from '../i18n/i18n.js';

export interface Cause {
  code: string;
  level: number;
  parent?: string;
  zh: string;
  en: string;
  fileable: boolean;
}

let cached: Promise<Cause[]> | undefined;
/** The list is the law and the same for everyone: fetched once per page load. */
export function loadCauses(): Promise<Cause[]> {
  cached ??= get<{ causes: Cause[] }>('/api/causes').then((r) => r.causes, (err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

export function useCauses(): Cause[] {
  const [causes, setCauses] = useState<Cause[]>([]);
  useEffect(() => {
    let live = true;
    loadCauses().then((c) => live && setCauses(c), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return causes;
}

/**
 * Picks the cause of action (案由): a search box narrows a native list box, which is fully
 * keyboard usable (arrows, Home/End, type-ahead) and read out by screen readers. Names show
 * in the reader's language with the other beside it, since the list is searched in both.
 */
export function CausePicker({ value, onChange, error }: { value: string; onChange: (code: string) => void; error?: string }) {
  const { t, lang } = useI18n();
  const causes = useCauses();
  const [query, setQuery] = useState('');
  const searchId = useId();
  const listId = useId();
  const errorId = useId();
  const byCode = useMemo(() => new Map(causes.map((c) => [c.code, c])), [causes]);
  const label = (c: Cause) => {
    const indent = '\u00a0\u00a0'.repeat(Math.max(0, c.level - 2));
    return lang === 'zh' ? `${indent}${c.zh}（${c.en}）` : `${indent}${c.en} (${c.zh})`;
  };
  const q = query.trim().toLowerCase();
  const shown = causes.filter((c) => c.fileable && (q === '' || c.zh.includes(q) || c.en.toLowerCase().includes(q) || c.code.toLowerCase() === q));
  const chosen = byCode.get(value);
  return (
    <div className="field cause-picker">
      <label htmlFor={searchId}>{t('cause.search')}</label>
      <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-controls={listId} />
      <label htmlFor={listId}>{t('cause.label')}</label>
      <select
        id={listId}
        name="causeOfAction"
        size={8}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        data-testid="cause-picker"
      >
        {shown.map((c) => (
          <option key={c.code} value={c.code}>
            {label(c)}
          </option>
        ))}
      </select>
      <p className="hint" aria-live="polite">
        {chosen ? t('cause.chosen', { name: lang === 'zh' ? chosen.zh : chosen.en }) : t('cause.count', { n: shown.length })}
      </p>
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A cause of action as the case view sends it. */
export function CauseName({ cause }: { cause?: { zh: string; en: string } }) {
  const { pick } = useI18n();
  return <>{cause ? pick(cause.zh, cause.en) : '—'}</>;
}
