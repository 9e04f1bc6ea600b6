/**
 * Dates in English as the court writes them, in the court's time zone (Asia/Shanghai) whatever
 * the server's: '17 March 2026', '4 December 2026, 22:31'. The Chinese forms (2026年3月17日) are
 * in server/documents/pdf.ts; notices, emails and pages use one or the other by language.
 */
const SHANGHAI_MS = 8 * 60 * 60 * 1000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const two = (n: number) => String(n).padStart(2, '0');

/** A calendar date 'YYYY-MM-DD' as '17 March 2026'; anything else comes back unchanged. */
export function calendarDateEn(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : date;
}

/** An instant as '4 December 2026, 22:31' in Beijing time; an unreadable one comes back unchanged. */
export function dateTimeEn(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  const t = new Date(ms + SHANGHAI_MS);
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}, ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
}
