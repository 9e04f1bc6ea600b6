/**
 * Re-authentication before a signature: the one way the platform makes a logged-in person
 * prove again who they are (their password) before a deliberate act such as signing a
 * mediation agreement (server/agreements) or a hearing record (server/records). A session
 * left open on a shared computer therefore cannot sign for its owner.
 */
import type { Connection } from 'mongoose';
import type { AuthUser } from '../auth/tokens.js';
import { LoginLimiter } from '../auth/loginLimiter.js';
import { verifyPassword } from '../auth/passwords.js';
import { errors } from '../errors.js';
import { userModel } from './userModel.js';

export class Reauthentication {
  /** Guessing a signer's password on an unattended session is limited like logging in. */
  // The signer is already logged in: a few more free attempts than at log-in, so a double click
  // or a retried request is answered ALREADY_SIGNED rather than refused; guessing still slows down.
  private readonly limiter = new LoginLimiter({ freeFailuresPerAccount: 10 });

  /** `purpose` keys the attempt counts (e.g. 'agreement-sign'), apart from log-in's. */
  constructor(
    private readonly connection: Connection,
    private readonly purpose: string,
  ) {}

  /** Throws REAUTHENTICATION_REQUIRED, REAUTHENTICATION_LOCKED or REAUTHENTICATION_FAILED; `what` names the act refused. */
  async confirm(user: AuthUser, password: string | undefined, ip: string, what: string): Promise<void> {
    if (!password) {
      throw errors.forbidden('Enter your password again to sign: signing needs you to confirm who you are.', 'REAUTHENTICATION_REQUIRED');
    }
    // Keyed by the signer's id (not a phone hash): its own counts, apart from log-in's.
    const attempt = { phoneHash: `${this.purpose}:${user.id}`, ip };
    const decision = await this.limiter.begin(attempt);
    if (!decision.allowed) {
      throw errors.rateLimited(`Too many wrong passwords. Try again in ${Math.ceil(decision.retryAfterSeconds / 60)} minutes.`, 'REAUTHENTICATION_LOCKED');
    }
    const record = await userModel(this.connection).findById(user.id, { passwordHash: 1 }).lean<{ passwordHash?: string }>().exec();
    const ok = record?.passwordHash ? await verifyPassword(password, record.passwordHash).catch(() => false) : false;
    if (!ok) {
      throw errors.forbidden(`The password is not correct; ${what} was not signed.`, 'REAUTHENTICATION_FAILED');
    }
    await this.limiter.succeeded(attempt);
  }
}
