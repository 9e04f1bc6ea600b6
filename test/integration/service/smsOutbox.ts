import { createPersonalDataCipher } from '../../../server/privacy/personalData.js';
import type { TestServer } from '../../support/server.js';

export interface SmsRow {
  toMasked: string;
  /** Stored with the link token and code blanked. */
  text: string;
  textEnc: string;
  reference: string;
}

/**
 * The text message as the carrier received it. The outbox keeps it only encrypted (the stored
 * `text` cannot be replayed), so the test reads it as the handset would, through the data key.
 */
export async function sentSms(server: TestServer, deliveryId: string): Promise<{ row: SmsRow; text: string } | null> {
  const row = await server.db.connection.collection<SmsRow>('sms_outbox').findOne({ reference: deliveryId });
  if (!row) return null;
  return { row, text: createPersonalDataCipher(server.config.dataEncryptionKey).decrypt(row.textEnc) };
}
