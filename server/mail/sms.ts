/**
 * The SMS channel as its users see it: electronic service (service/), one-time codes (auth/)
 * and identity reviews (users/) all send through one `SmsProvider`. Declared here, beside the
 * mailer, so those folders need not import each other; the built-in provider that keeps
 * messages in the database is service/smsProvider.ts.
 */
export interface SmsMessage {
  to: string;
  text: string;
  /** Our delivery id, echoed back by gateways in their delivery reports. */
  reference: string;
  /** Parts of the text that open the document (link token, one-time code): never stored in clear. */
  secrets?: string[];
}

export interface SmsResult {
  sent: boolean;
  /** The gateway reported the message delivered to the handset. */
  delivered: boolean;
  providerMessageId?: string;
  error?: string;
}

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}
