/**
 * Consent to electronic service and the addresses for it (送达地址确认书), per case and
 * recipient. A change or a revocation is a new version; no version is ever rewritten, so
 * "which consent and which addresses were in force when this was sent" always has an answer.
 */
import {
  consentProblems,
  type ConsentGround,
  type EServiceConsent,
  type ServiceAddress,
} from '../../state-machines/service/consent.js';
import { errors } from '../errors.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import { insertOnce, type ConsentVersionDoc, type ServiceModels } from './serviceModels.js';

export interface ConsentInput {
  ground: ConsentGround;
  channel: 'phone' | 'platform' | 'written';
  addresses: ServiceAddress[];
  evidenceRef?: string;
}

export interface ConsentVersion {
  version: number;
  userId: string;
  consent: EServiceConsent;
  recordedBy: string;
  recordedByRole: string;
  recordedAt: string;
}

const MAX_ATTEMPTS = 20;

export class ConsentStore {
  constructor(
    private readonly models: ServiceModels,
    private readonly cipher: PersonalDataCipher,
    private readonly now: () => Date,
  ) {}

  /** Every version, oldest first; of one recipient or of all recipients on the case. */
  async history(caseId: string, userId?: string): Promise<ConsentVersion[]> {
    const docs = await this.models.consents
      .find({ caseId, ...(userId ? { userId } : {}) })
      .sort({ userId: 1, version: 1 })
      .lean<ConsentVersionDoc[]>()
      .exec();
    return docs.map((d) => this.toVersion(d));
  }

  /** The latest version (possibly revoked), or undefined when none was ever recorded. */
  async current(caseId: string, userId: string): Promise<ConsentVersion | undefined> {
    const doc = await this.models.consents.findOne({ caseId, userId }).sort({ version: -1 }).lean<ConsentVersionDoc>().exec();
    return doc ? this.toVersion(doc) : undefined;
  }

  async record(caseId: string, userId: string, input: ConsentInput, by: { userId: string; role: string }): Promise<ConsentVersion> {
    const consent: EServiceConsent = {
      ground: input.ground,
      channel: input.channel,
      addresses: input.addresses.map((a) => ({ channel: a.channel, value: a.value.trim(), confirmedByRecipient: a.confirmedByRecipient })),
      capturedAt: this.now().toISOString(),
      capturedBy: by.userId,
      ...(input.evidenceRef ? { evidenceRef: input.evidenceRef } : {}),
    };
    const problems = consentProblems(consent);
    if (problems.length > 0) {
      throw errors.validation(`The consent cannot support electronic service: ${problems.join('; ')}.`, { problems }, 'CONSENT_INVALID');
    }
    return this.append(caseId, userId, consent, by);
  }

  /** A revocation keeps the consent as it was and marks the instant from which it no longer applies. */
  async revoke(caseId: string, userId: string, by: { userId: string; role: string }): Promise<ConsentVersion> {
    const current = await this.current(caseId, userId);
    if (!current || current.consent.revokedAt !== undefined) {
      throw errors.invalidState('There is no consent in force to revoke.', 'NO_ACTIVE_CONSENT');
    }
    return this.append(caseId, userId, { ...current.consent, revokedAt: this.now().toISOString() }, by);
  }

  private async append(caseId: string, userId: string, consent: EServiceConsent, by: { userId: string; role: string }): Promise<ConsentVersion> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const latest = await this.current(caseId, userId);
      const version = (latest?.version ?? 0) + 1;
      const doc: ConsentVersionDoc = {
        _id: `${caseId}:${userId}:${version}`,
        caseId,
        userId,
        version,
        ground: consent.ground,
        channel: consent.channel,
        addresses: consent.addresses.map((a) => ({ channel: a.channel, valueEnc: this.cipher.encrypt(a.value), confirmedByRecipient: a.confirmedByRecipient })),
        capturedAt: consent.capturedAt,
        capturedBy: consent.capturedBy,
        recordedBy: by.userId,
        recordedByRole: by.role,
        recordedAt: this.now().toISOString(),
        ...(consent.evidenceRef ? { evidenceRef: consent.evidenceRef } : {}),
        ...(consent.revokedAt ? { revokedAt: consent.revokedAt } : {}),
      };
      if (await insertOnce(this.models.consents, doc)) return this.toVersion(doc);
    }
    throw errors.conflict('The consent was changed by someone else at the same time. Try again.', 'CONSENT_CHANGED');
  }

  private toVersion(d: ConsentVersionDoc): ConsentVersion {
    return {
      version: d.version,
      userId: d.userId,
      recordedBy: d.recordedBy,
      recordedByRole: d.recordedByRole,
      recordedAt: d.recordedAt,
      consent: {
        ground: d.ground,
        channel: d.channel,
        addresses: d.addresses.map((a) => ({ channel: a.channel, value: this.cipher.decrypt(a.valueEnc), confirmedByRecipient: a.confirmedByRecipient })),
        capturedAt: d.capturedAt,
        capturedBy: d.capturedBy,
        ...(d.evidenceRef ? { evidenceRef: d.evidenceRef } : {}),
        ...(d.revokedAt ? { revokedAt: d.revokedAt } : {}),
      },
    };
  }
}
