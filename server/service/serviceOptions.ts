/**
 * Which channels can serve which recipient, before anything is sent. Electronic service needs
 * the recipient's consent (C1 Art. 29: one of four grounds A-D) and an address for the channel
 * in that consent; email needs a mail server. Without them the clerk is told why and which
 * other ways remain: ask for consent, serve by post (CPL Art. 91) or in person (Arts. 88-89).
 */
import { consentActiveAt, type ServiceChannel } from '../../state-machines/service/consent.js';
import type { CaseDoc } from '../cases/caseModel.js';
import { AppError } from '../errors.js';
import { userModel, type UserDoc } from '../users/userModel.js';
import type { ConsentVersion } from './consents.js';
import { resolveAddress } from './dispatch.js';
import type { ServiceDeps } from './serviceDeps.js';
import type { RecipientSide, ServiceDoc } from './serviceModels.js';

export const CHANNELS: readonly ServiceChannel[] = ['inbox', 'email', 'sms'];
/** The other ways to serve when an electronic channel cannot be used. */
export const ALTERNATIVES = ['consentRequest', 'post', 'inPerson'] as const;

export type ChannelRefusal = 'NO_SERVICE_CONSENT' | 'SERVICE_CONSENT_REVOKED' | 'CHANNEL_NOT_CONSENTED' | 'MAIL_UNAVAILABLE';

const REASONS: Record<ChannelRefusal, { en: string; zh: string }> = {
  NO_SERVICE_CONSENT: { en: 'has not consented to electronic service', zh: '未同意电子送达' },
  SERVICE_CONSENT_REVOKED: { en: 'has revoked their consent to electronic service', zh: '已撤回电子送达同意' },
  CHANNEL_NOT_CONSENTED: { en: 'gave no address for this channel in their consent', zh: '在送达地址确认中未提供该渠道的地址' },
  MAIL_UNAVAILABLE: { en: 'cannot be emailed: no mail server is configured (SMTP_URL)', zh: '无法发送电子邮件：平台未配置邮件服务器' },
};

export interface ChannelOption {
  channel: ServiceChannel;
  available: boolean;
  address?: string;
  addressConfirmed?: boolean;
  reason?: ChannelRefusal;
  reasonEn?: string;
  reasonZh?: string;
}

/** Each channel for one recipient, judged on the consent in force at `at`. */
export function channelOptions(deps: ServiceDeps, user: UserDoc, consent: ConsentVersion | undefined, at: string): ChannelOption[] {
  const active = consent && consentActiveAt(consent.consent, at) ? consent : undefined;
  return CHANNELS.map((channel) => {
    let reason: ChannelRefusal | undefined;
    if (!consent) reason = 'NO_SERVICE_CONSENT';
    else if (!active) reason = 'SERVICE_CONSENT_REVOKED';
    else if (!active.consent.addresses.some((a) => a.channel === channel)) reason = 'CHANNEL_NOT_CONSENTED';
    else if (channel === 'email' && !deps.mailer.available) reason = 'MAIL_UNAVAILABLE';
    if (reason) return { channel, available: false, reason, reasonEn: REASONS[reason].en, reasonZh: REASONS[reason].zh };
    const address = resolveAddress(channel, user, active?.consent, deps.cipher.decrypt(user.phoneEnc), at);
    return { channel, available: true, address: address.masked, addressConfirmed: address.confirmed };
  });
}

/**
 * Refuse a channel the recipient did not consent to, before anything is issued or sent.
 * MAIL_UNAVAILABLE is not refused here: the delivery is logged failed with that reason, as before.
 */
export function requireConsented(name: string, userId: string, options: ChannelOption[], channels: ServiceChannel[]): void {
  for (const channel of channels) {
    const o = options.find((x) => x.channel === channel);
    if (!o || o.available || !o.reason || o.reason === 'MAIL_UNAVAILABLE') continue;
    const status = o.reason === 'CHANNEL_NOT_CONSENTED' ? 'CHANNEL_NOT_CONSENTED' : o.reason;
    throw new AppError(
      'invalidState',
      status,
      `${name} ${REASONS[o.reason].en}, so they cannot be served by ${channel}. Ask them to consent (consent request), or serve by post or in person and record it (POST /api/cases/:id/service/offline).`,
      { recipientId: userId, channel, alternatives: [...ALTERNATIVES], reasonZh: REASONS[o.reason].zh },
    );
  }
}

/** The people a clerk may serve on this case: the filer, registered defendants, and anyone served before. */
export async function caseRecipients(deps: ServiceDeps, doc: CaseDoc): Promise<{ user: UserDoc; side: RecipientSide }[]> {
  const users = userModel(deps.connection);
  const out = new Map<string, { user: UserDoc; side: RecipientSide }>();
  const filer = await users.findById(doc.filerId).lean<UserDoc>().exec().catch(() => null);
  if (filer) out.set(doc.filerId, { user: filer, side: 'plaintiff' });
  const hashes = doc.defendants.map((d) => d.idNumberHash).filter((h): h is string => typeof h === 'string');
  if (hashes.length > 0) {
    for (const u of await users.find({ idNumberHash: { $in: hashes } }).lean<UserDoc[]>().exec()) out.set(u._id.toHexString(), { user: u, side: 'defendant' });
  }
  const served = await deps.models.services.find({ caseId: doc._id }).lean<ServiceDoc[]>().exec();
  for (const s of served) {
    for (const r of s.recipients) {
      if (out.has(r.userId)) continue;
      const u = await users.findById(r.userId).lean<UserDoc>().exec().catch(() => null);
      if (u) out.set(r.userId, { user: u, side: r.side });
    }
  }
  return [...out.values()];
}
