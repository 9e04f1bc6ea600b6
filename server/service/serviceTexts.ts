/**
 * The words of electronic service: the inbox notice, the text message and the email. Pure, so
 * every template can be tested with every kind of input (serviceTexts.test.ts): no text may
 * show a missing value ("undefined", an empty date) or double brackets around a case number
 * that already carries its own ("（2026）京0105民初1号").
 */

export interface ServiceTextInput {
  courtNameZh: string;
  caseNumber: string;
  title: string;
  recipientName: string;
  /** `${publicUrl}/s/<token>`; absent for the inbox. */
  link?: string;
  /** The one-time code that opens the document from the link without logging in. */
  code?: string;
  sha256?: string;
  verifyUrl?: string;
}

const orDash = (v: string | undefined, fallback: string) => (v && v.trim() ? v.trim() : fallback);

/** "案号（2026）京0105民初1号": the case number carries its own year brackets, so it gets none. */
export function caseRefZh(caseNumber: string | undefined): string {
  const n = orDash(caseNumber, '');
  return n ? `案号${n}` : '案号待定';
}

export function caseRefEn(caseNumber: string | undefined): string {
  const n = orDash(caseNumber, '');
  return n ? `case ${n}` : 'your case';
}

function who(input: ServiceTextInput) {
  return { court: orDash(input.courtNameZh, '人民法院'), title: orDash(input.title, '诉讼文书'), name: orDash(input.recipientName, '受送达人') };
}

export function inboxNoticeText(input: ServiceTextInput) {
  const { court, title } = who(input);
  return {
    titleZh: `电子送达：《${title}》`,
    titleEn: `A court document was served on you: ${title}`,
    bodyZh: `${court}向您送达《${title}》，${caseRefZh(input.caseNumber)}。请在平台“送达文书”中查阅并确认收悉。`,
    bodyEn: `${court} served "${title}" (${caseRefEn(input.caseNumber)}) on you. Open it in your inbox on the platform and acknowledge receipt.`,
  };
}

export function smsText(input: ServiceTextInput): string {
  const { court, title, name } = who(input);
  const code = input.code ? `，查阅码${input.code}` : '';
  return `【${court}】${name}，本院向您电子送达《${title}》，${caseRefZh(input.caseNumber)}。请打开链接并登录或输入查阅码查阅：${input.link ?? ''}${code}`;
}

export function emailText(input: ServiceTextInput): { subject: string; text: string } {
  const { court, title, name } = who(input);
  const lines = [
    `${name}：`,
    '',
    `${court}依法向您电子送达《${title}》（${caseRefZh(input.caseNumber)}），文书见附件。`,
    ...(input.link ? ['请打开以下链接，登录平台或输入查阅码后查阅（仅打开链接不记录为已阅知）：', input.link] : []),
    ...(input.code ? [`查阅码：${input.code}（一次有效）`] : []),
    '',
    ...(input.sha256 ? [`文书 SHA-256：${input.sha256}`] : []),
    ...(input.verifyUrl ? [`文书真伪核验：${input.verifyUrl}`] : []),
    '',
    '本邮件由线上微法庭平台自动发送，请勿直接回复。',
  ];
  return { subject: `【电子送达】《${title}》${caseRefZh(input.caseNumber)}`, text: lines.join('\n') };
}
