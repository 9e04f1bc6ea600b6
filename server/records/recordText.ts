/**
 * The text of a hearing record as it is signed: the paragraphs in order, each with its time,
 * speaker and words. Its SHA-256 is what every party's signature binds and what the filed PDF
 * prints, so it is computed one way only, here.
 */
import type { HearingRole } from '../../protocol/hearing.js';
import type { RecordParagraphView, RecordSpeaker } from '../../protocol/recordViews.js';
import { timestampZh, sha256Hex } from '../documents/pdf.js';
import { canonicalJson } from '../hashChain.js';
import type { ParagraphDoc } from './recordModel.js';

/** Paragraphs are read in the order they were spoken; the id breaks a tie of the same instant. */
export function inOrder<T extends { at: string; _id?: string; id?: string }>(paragraphs: readonly T[]): T[] {
  const key = (p: T) => p._id ?? p.id ?? '';
  return [...paragraphs].sort((a, b) => (a.at === b.at ? key(a).localeCompare(key(b)) : a.at < b.at ? -1 : 1));
}

/** SHA-256 (hex) of the canonical text: paragraph order, time, speaker and words, nothing else (not versions or editors). */
export function recordTextSha256(paragraphs: readonly ParagraphDoc[]): string {
  const text = inOrder(paragraphs).map((p) => ({ id: p._id, at: p.at, speaker: { userId: p.speaker.userId, name: p.speaker.name, role: p.speaker.role }, text: p.text }));
  return sha256Hex(canonicalJson(text));
}

/** The hash an objection's HMAC binds: the text read and the objection written to it. */
export function objectionSha256(textSha256: string, objection: string): string {
  return sha256Hex(`${textSha256}\n${objection}`);
}

export const ROLE_ZH: Record<HearingRole, string> = {
  judge: '审判员',
  clerk: '书记员',
  mediator: '调解员',
  party: '当事人',
  representative: '代理人',
  witness: '证人',
  interpreter: '翻译人员',
  observer: '旁听人员',
};

export function speakerLabelZh(speaker: RecordSpeaker): string {
  return `${ROLE_ZH[speaker.role]}${speaker.name}`;
}

/** One line of the printed record: 【14:30:05】审判员王法官：现在开庭。 */
export function printedParagraph(p: Pick<RecordParagraphView, 'at' | 'speaker' | 'text'>): string {
  const time = timestampZh(p.at).slice(11, 19);
  return `【${time}】${speakerLabelZh(p.speaker)}：${p.text}`;
}
