import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailResult {
  /** The SMTP server accepted the message for delivery (C7 Art. 135: the system's "sent successfully"). */
  accepted: boolean;
  messageId?: string;
  response?: string;
  error?: string;
}

/** Outgoing email through SMTP. Without SMTP_URL the channel is reported unavailable, never silently dropped. */
export interface Mailer {
  readonly available: boolean;
  send(mail: OutgoingMail): Promise<MailResult>;
  close(): void;
}

export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      available: false,
      send: async () => ({ accepted: false, error: 'No mail server is configured (SMTP_URL).' }),
      close: () => undefined,
    };
  }
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    available: true,
    async send(mail) {
      try {
        const info = await transport.sendMail({ from, ...mail });
        const accepted = Array.isArray(info.accepted) && info.accepted.length > 0;
        return { accepted, messageId: info.messageId, response: info.response };
      } catch (err) {
        return { accepted: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    close: () => transport.close(),
  };
}
