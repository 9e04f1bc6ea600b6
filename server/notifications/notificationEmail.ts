import type { OutgoingMail } from '../mail/mailer.js';
import type { NotificationInput, NotificationLanguage } from './notificationModel.js';

/**
 * A link as a person can follow it from their mail client: app paths are made
 * absolute with the public URL; anything that is not http(s) is dropped rather
 * than mailed, so a notification can never carry a javascript: or file: link.
 */
export function absoluteLink(link: string | undefined, publicUrl: string): string | undefined {
  if (!link) return undefined;
  if (link.startsWith('/') && !link.startsWith('//')) return `${publicUrl.replace(/\/+$/, '')}${link}`;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

const SIGNATURE = {
  zh: { details: '查看详情', footer: '本邮件由线上微法庭系统自动发送，请勿直接回复。' },
  en: { details: 'Details', footer: 'This message was sent automatically by the microcourt platform; please do not reply to it.' },
} as const;

/**
 * One message carrying both languages, the reader's language first: a party
 * may forward it to a lawyer or relative who reads the other one.
 */
export function composeNotificationEmail(
  to: string,
  n: NotificationInput,
  language: NotificationLanguage,
  publicUrl: string,
): OutgoingMail {
  const link = absoluteLink(n.link, publicUrl);
  const part = (lang: NotificationLanguage) => {
    const title = lang === 'zh' ? n.titleZh : n.titleEn;
    const body = lang === 'zh' ? n.bodyZh : n.bodyEn;
    const words = SIGNATURE[lang];
    return [title, '', body, ...(link ? ['', `${words.details}: ${link}`] : []), '', words.footer].join('\n');
  };
  const order: NotificationLanguage[] = language === 'en' ? ['en', 'zh'] : ['zh', 'en'];
  // Titles may quote user text (an agreement's title); a line break must not reach a mail header.
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const subject = oneLine(language === 'en' ? `${n.titleEn} / ${n.titleZh}` : `${n.titleZh} / ${n.titleEn}`);
  return {
    to,
    subject,
    text: order.map(part).join('\n\n----------------------------------------\n\n'),
  };
}
