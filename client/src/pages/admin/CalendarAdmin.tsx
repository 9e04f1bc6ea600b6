import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, get, request } from '../../api/http.js';
import { ErrorBox, TextArea, TextField } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

interface YearView {
  year: number;
  status: 'shipped' | 'entered' | 'provisional';
  statutoryHolidays: { date: string; zh: string }[];
  restDays?: string[];
  workdays?: string[];
  source?: string;
}

interface LogView {
  verification: { valid: boolean; entries: number; firstInvalid?: { seq: number; reason: string } };
  entries: { seq: number; at: string; actor: { userId: string }; year: number; before: { restDays: string[] } | null; after: { restDays: string[]; workdays: string[]; source: string } }[];
}

const lines = (text: string) => text.split(/[\s,，;；]+/).map((d) => d.trim()).filter(Boolean);

/**
 * The platform administrator enters each year's State Council holiday arrangement (rest days
 * including bridging days, and adjusted working days), typed in or imported from a JSON file
 * `{ "restDays": [...], "workdays": [...], "source": "..." }`. Until then the year is provisional.
 */
export function CalendarAdmin() {
  const { t, dateTime } = useI18n();
  const [year, setYear] = useState(String(new Date().getFullYear() + 1));
  const [view, setView] = useState<YearView>();
  const [rest, setRest] = useState('');
  const [work, setWork] = useState('');
  const [source, setSource] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [log, setLog] = useState<LogView>();

  const load = async (y: string) => {
    setError(undefined);
    try {
      const v = await get<YearView>(`/api/calendar/${encodeURIComponent(y)}`);
      setView(v);
      // Two holidays can share a day (Mid-Autumn on 1 October): list each date once.
      setRest([...new Set(v.restDays ?? v.statutoryHolidays.map((h) => h.date))].join('\n'));
      setWork((v.workdays ?? []).join('\n'));
      setSource(v.source ?? '');
      setLog(await get<LogView>('/api/admin/calendar/log'));
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    void load(year);
    // Loaded once on arrival; later loads are asked for with the button.
  }, []);

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text()) as { year?: number; restDays?: string[]; workdays?: string[]; source?: string };
      if (parsed.year) setYear(String(parsed.year));
      setRest((parsed.restDays ?? []).join('\n'));
      setWork((parsed.workdays ?? []).join('\n'));
      setSource(parsed.source ?? '');
      setError(undefined);
    } catch {
      setError(new ApiError(400, 'CALENDAR_IMPORT_INVALID', ''));
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(undefined);
    try {
      const r = await request<{ movedCases: number }>(`/api/admin/calendar/${encodeURIComponent(year)}`, {
        method: 'PUT',
        body: { restDays: lines(rest), workdays: lines(work), source: source.trim() },
      });
      setSaved(t('calendar.saved', { year, n: r.movedCases }));
      await load(year);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="calendar-title" className="calendar-admin">
      <h1 id="calendar-title">{t('calendar.title')}</h1>
      <p className="lead">{t('calendar.lead')}</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load(year);
        }}
      >
        <TextField label={t('calendar.year')} name="year" inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} />
        <button type="submit">{t('calendar.load')}</button>
      </form>
      {view && (
        <p role="status" data-testid="calendar-status">
          {t(`calendar.status.${view.status}`, { year: view.year })}
        </p>
      )}
      {view && (
        <details>
          <summary>{t('calendar.statutory')}</summary>
          <ul>
            {view.statutoryHolidays.map((h) => (
              <li key={h.date + h.zh}>
                {h.date} {h.zh}
              </li>
            ))}
          </ul>
        </details>
      )}
      <form onSubmit={(e) => void save(e)}>
        <TextArea label={t('calendar.restDays')} hint={t('calendar.datesHint')} name="restDays" rows={8} value={rest} onChange={(e) => setRest(e.target.value)} />
        <TextArea label={t('calendar.workdays')} hint={t('calendar.datesHint')} name="workdays" rows={3} value={work} onChange={(e) => setWork(e.target.value)} />
        <TextField label={t('calendar.source')} name="source" value={source} onChange={(e) => setSource(e.target.value)} />
        <div className="field">
          <label htmlFor="calendar-import">{t('calendar.import')}</label>
          <input id="calendar-import" type="file" accept="application/json,.json" onChange={(e) => void importFile(e.target.files?.[0])} />
        </div>
        {error !== undefined && <ErrorBox error={error} />}
        {saved && (
          <p className="notice ok" role="status">
            {saved}
          </p>
        )}
        <button type="submit" className="primary">
          {t('calendar.save')}
        </button>
      </form>
      {log && (
        <section aria-labelledby="calendar-log-title">
          <h2 id="calendar-log-title">{t('calendar.log')}</h2>
          <p data-testid="calendar-chain">{log.verification.valid ? t('calendar.chainValid', { n: log.verification.entries }) : t('calendar.chainBroken', { seq: log.verification.firstInvalid?.seq ?? 0 })}</p>
          <ol>
            {log.entries.map((e) => (
              <li key={e.seq}>
                {t('calendar.logLine', { seq: e.seq, year: e.year, at: dateTime(e.at), user: e.actor.userId, before: e.before ? e.before.restDays.length : 0, after: e.after.restDays.length, source: e.after.source })}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
