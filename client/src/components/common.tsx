import { useCallback, useEffect, useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../api/http.js';
import { hasKey, useI18n, type Translate } from '../i18n/i18n.js';

/** A court time in the page's language (I18nProvider sets <html lang>), in Beijing time. */
function formatShanghai(iso: string, style: 'dateTime' | 'time' = 'dateTime'): string {
  const locale = document.documentElement.lang === 'en' ? 'en-GB' : 'zh-CN';
  const options: Intl.DateTimeFormatOptions = style === 'time' ? { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' } : { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(iso));
}

/** A server or network error in the reader's language; unknown codes fall back to the server's message. */
export function errorText(t: Translate, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `error.${err.code}`;
    // A refused hearing time says when the earliest lawful start is (procedure rules).
    const earliest = (err.details as { earliestLawfulStart?: unknown } | undefined)?.earliestLawfulStart;
    if (hasKey(key) && typeof earliest === 'string') return `${t(key)} ${t('error.earliestLawfulStart', { at: formatShanghai(earliest) })}`;
    // A rate limit says when to try again (the server's Retry-After, in seconds), and at what time.
    const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (err.code === 'RATE_LIMITED' && typeof retry === 'number') {
      const at = formatShanghai(new Date(Date.now() + retry * 1000).toISOString(), 'time');
      return retry < 60 ? t('error.RATE_LIMITED_SECONDS', { n: retry, at }) : t('error.RATE_LIMITED_MINUTES', { n: Math.ceil(retry / 60), at });
    }
    if (hasKey(key)) return t(key);
    if (err.status === 0) return t('error.NETWORK');
    return t('error.withMessage', { message: err.message });
  }
  return t('error.unexpected');
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="error-box" role="alert">
      {errorText(t, error)}
    </p>
  );
}

interface FieldShell {
  label: string;
  hint?: string;
  error?: string | undefined;
  /** Shown in green when the value is known good (e.g. a valid ID number). */
  ok?: string | undefined;
}

function Shell({ id, label, hint, error, ok, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      {/* aria-live so the as-you-type checks are read out without moving focus. */}
      <p id={`${id}-msg`} className={error ? 'field-error' : 'field-ok'} aria-live="polite">
        {error ?? ok ?? ''}
      </p>
    </div>
  );
}

function describedBy(id: string, hint?: string): string {
  return hint ? `${id}-hint ${id}-msg` : `${id}-msg`;
}

export function TextField({ label, hint, error, ok, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error} ok={ok}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint)} {...input} />
    </Shell>
  );
}

export function TextArea({ label, hint, error, ...input }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint)} {...input} />
    </Shell>
  );
}

export function SelectField({ label, hint, error, children, ...input }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Shell id={id} label={label} hint={hint} error={error}>
      <select id={id} aria-describedby={describedBy(id, hint)} {...input}>
        {children}
      </select>
    </Shell>
  );
}

export function ProgressBar({ label, value, max }: { label: string; value: number; max: number }) {
  const pct = max > 0 ? Math.round((value / max) * 100) : 0;
  return (
    <div className="progress">
      <span className="progress-label">{label}</span>
      <progress value={value} max={max} aria-label={label} />
      <span className="progress-pct">{pct}%</span>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status.${status}`;
  return <span className={`badge badge-${status}`}>{hasKey(key) ? t(key) : status}</span>;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/**
 * A user's action on a form or button: `busy` while it runs (to disable the button),
 * its failure kept in `error` for an <ErrorBox>. `run` resolves either way.
 */
export function useAction(): { busy: boolean; error: unknown; setError: (e: unknown) => void; run: (action: () => Promise<unknown>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** Loads data for a page; `reload` re-runs it after an action changed the server's state. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; reload: () => void; setData: (d: T) => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      // A failed refresh keeps what was shown before.
      (error: unknown) => live && setState((s) => ({ ...s, error })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((data: T) => setState({ data }), []);
  return { ...state, reload, setData };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
