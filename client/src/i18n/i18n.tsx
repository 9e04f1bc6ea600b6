import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from './en.json' with { type: 'json' };
import zh from './zh.json' with { type: 'json' };
import { toFen } from '../../../state-machines/rules/money.js';

export type Lang = 'zh' | 'en';
export type MessageKey = keyof typeof zh;
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

// en.json must have exactly zh.json's keys; test/e2e/i18nKeys.test.ts checks it, this makes tsc check it too.
const catalogues: Record<Lang, Record<MessageKey, string>> = { zh, en: en satisfies Record<MessageKey, string> };

const STORAGE_KEY = 'microcourt.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  // A Chinese court's platform starts in Chinese; English is one click away and remembered.
  return stored === 'en' ? 'en' : 'zh';
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = catalogues[lang][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/** Whether a string is a key of the catalogue (server codes, statuses and events are looked up this way). */
export function hasKey(key: string): key is MessageKey {
  return key in zh;
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** Picks the language's variant of server text that comes in both (findings, deadlines, fees). */
  pick(zhText: string | undefined, enText: string | undefined): string;
  date(iso: string): string;
  dateTime(iso: string): string;
  money(amount: string): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
    // Court dates are Beijing dates whatever the browser's zone.
    const dateFmt = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
    const dateTimeFmt = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      pick: (zhText, enText) => (lang === 'zh' ? (zhText ?? enText ?? '') : (enText ?? zhText ?? '')),
      date: (iso) => {
        // A bare YYYY-MM-DD is a calendar date in Beijing: read it at Beijing noon so no zone shifts the day.
        const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00+08:00`) : new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
      },
      dateTime: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dateTimeFmt.format(d);
      },
      // Shown to the fen; the exact amounts stay in the case log and the fee quote.
      money: (amount) => translate(lang, 'money.cny', { amount: toFen(amount) }),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
