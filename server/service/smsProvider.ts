/**
 * Text messages. A real deployment plugs in its carrier gateway behind `SmsProvider`
 * (mail/sms.ts); the built-in one keeps each message in the database (`sms_outbox`), which is what a court
 * without a gateway, a demo and the tests need: the message and its time are recorded (the
 * link token and code only encrypted), and it reports the message as sent and delivered at once.
 */
import crypto from 'node:crypto';
import { maskPhone } from '../../state-machines/rules/idNumber.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { SmsMessage, SmsProvider, SmsResult } from '../mail/sms.js';
import type { ServiceModels } from './serviceModels.js';

function redactSecrets(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('…'), text);
}

export class OutboxSmsProvider implements SmsProvider {
  readonly name = 'outbox';

  constructor(
    private readonly models: ServiceModels,
    private readonly cipher: PersonalDataCipher,
    private readonly now: () => Date,
  ) {}

  async send(message: SmsMessage): Promise<SmsResult> {
    const id = crypto.randomUUID();
    try {
      await this.models.smsOutbox.collection.insertOne({
        _id: id as never,
        toEnc: this.cipher.encrypt(message.to),
        toMasked: maskPhone(message.to),
        // Only what cannot be replayed in clear; the text as sent is kept encrypted, as a carrier holds it.
        text: redactSecrets(message.text, message.secrets ?? []),
        textEnc: this.cipher.encrypt(message.text),
        reference: message.reference,
        createdAt: this.now().toISOString(),
      });
      return { sent: true, delivered: true, providerMessageId: id };
    } catch (err) {
      return { sent: false, delivered: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
