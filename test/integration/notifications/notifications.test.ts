import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import { signAccessToken } from '../../../server/auth/tokens.js';
import { ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import {
  feeSettledCase,
  nextNotification,
  openUserSocket,
  waitForNotification,
  type MediationFixture,
  type UserSocket,
} from '../agreements/mediationCase.js';

interface Received {
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on port 0 that keeps what it receives and refuses one domain. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@bounce.example')) callback(new Error('550 mailbox unavailable'));
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('notifications: inbox, live push and email', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let fx: MediationFixture;
  const sockets: UserSocket[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PUBLIC_URL: 'https://court.example' });
    fx = await feeSettledCase(server, 1);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
    await smtp?.close();
  });

  it('validates and stores settings; the address is encrypted at rest', async () => {
    expect((await fx.plaintiff.get('/api/notifications/settings')).body).toEqual({ language: 'zh' });
    const bad = await fx.plaintiff.put<{ error: { code: string } }>('/api/notifications/settings', { email: 'not-an-address', language: 'zh' });
    expect(bad.status).toBe(400);
    expect((await fx.plaintiff.put('/api/notifications/settings', { email: 'a@b.c', language: 'fr' })).status).toBe(400);

    const saved = await fx.plaintiff.put('/api/notifications/settings', { email: 'plaintiff@court-users.example', language: 'zh' });
    expect(saved.status).toBe(200);
    expect((await fx.plaintiff.get('/api/notifications/settings')).body).toEqual({ email: 'plaintiff@court-users.example', language: 'zh' });
    const raw = await server.db.connection.collection('notification_settings').findOne({ _id: fx.ids.plaintiff as never });
    expect(JSON.stringify(raw)).not.toContain('plaintiff@court-users.example');
    expect(raw?.emailEnc).toMatch(/^v1:/);

    // Leaving the address out removes it.
    await fx.defendant.put('/api/notifications/settings', { email: 'defendant@court-users.example', language: 'en' });
    expect((await fx.defendant.put('/api/notifications/settings', { language: 'en' })).body).toEqual({ language: 'en' });
    expect((await fx.defendant.get('/api/notifications/settings')).body).toEqual({ language: 'en' });
  });

  it('refuses /user sockets without a valid login token', async () => {
    await expect(openUserSocket(server, 'not-a-token')).rejects.toMatchObject({ data: { code: 'TOKEN_INVALID' } });
    await expect(openUserSocket(server, undefined)).rejects.toMatchObject({ data: { code: 'TOKEN_INVALID' } });
    const forged = signAccessToken({ id: fx.ids.plaintiff, name: '原告甲', roles: ['party'] }, 'another-secret-another-secret-12345');
    await expect(openUserSocket(server, forged)).rejects.toMatchObject({ data: { code: 'TOKEN_INVALID' } });
    const expired = signAccessToken({ id: fx.ids.plaintiff, name: '原告甲', roles: ['party'] }, server.config.jwtSecret, { now: new Date(Date.now() - 2 * 3_600_000) });
    await expect(openUserSocket(server, expired)).rejects.toMatchObject({ data: { code: 'TOKEN_EXPIRED' } });
  });

  it('stores, pushes live to the user only, and emails in both languages', async () => {
    const mine = await openUserSocket(server, fx.plaintiff.token);
    const theirs = await openUserSocket(server, fx.defendant.token);
    sockets.push(mine, theirs);
    const seenByOther: NotificationView[] = [];
    theirs.on('notification:new', (n) => seenByOther.push(n));

    const live = nextNotification(mine, (n) => n.type === 'mediation.offer');
    const offered = await fx.mediator.post<{ status: string }>(`/api/cases/${fx.caseId}/mediation`, { action: 'offer' });
    expect(offered.status).toBe(200);
    expect(offered.body.status).toBe('mediationOffered');

    const pushed = await live;
    expect(pushed).toMatchObject({ caseId: fx.caseId, read: false, link: `/cases/${fx.caseId}` });
    expect(pushed.titleZh).toContain('法院建议调解');
    expect(pushed.titleEn).toContain('The court offers mediation');

    const message = await waitFor(() => smtp.received.find((r) => r.to.includes('plaintiff@court-users.example')), 'the email');
    expect(message.mail.subject).toContain('法院建议调解');
    expect(message.mail.subject).toContain('The court offers mediation');
    expect(message.mail.text).toContain('法院建议通过调解解决本案纠纷');
    expect(message.mail.text).toContain('The court proposes to resolve your case by mediation');
    // The reader's language (zh) comes first, and the link is absolute.
    expect(message.mail.text!.indexOf('法院建议通过调解')).toBeLessThan(message.mail.text!.indexOf('The court proposes'));
    expect(message.mail.text).toContain(`https://court.example/cases/${fx.caseId}`);

    const stored = await waitFor(async () => {
      const n = await waitForNotification(fx.plaintiff, (x) => x.id === pushed.id);
      return n.email.status === 'pending' ? undefined : n;
    }, 'the email outcome');
    expect(stored.email.status).toBe('sent');
    expect(stored.email.messageId).toBeTruthy();

    await new Promise((r) => setTimeout(r, 200));
    expect(seenByOther.map((n) => n.id)).not.toContain(pushed.id);
    expect((await fx.defendant.get<{ notifications: NotificationView[] }>('/api/notifications')).body.notifications.map((n) => n.id)).not.toContain(pushed.id);
  });

  it('lists newest first with an unread count and marks one read, for its owner only', async () => {
    await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'accept' });
    await waitForNotification(fx.plaintiff, (n) => n.type === 'mediation.accept');
    const list = await fx.plaintiff.get<{ notifications: NotificationView[]; unread: number }>('/api/notifications');
    expect(list.status).toBe(200);
    const types = list.body.notifications.map((n) => n.type);
    expect(types.slice(0, 2)).toEqual(['mediation.accept', 'mediation.offer']);
    // Before mediation the filer heard of each step of the case (notifications/caseNotices.ts).
    expect(types.slice(2).sort()).toEqual(['case.accepted', 'case.feeSettled', 'case.received']);
    expect(list.body.unread).toBe(5);

    const target = list.body.notifications[1]!;
    const byOther = await fx.defendant.post<{ error: { code: string } }>(`/api/notifications/${target.id}/read`);
    expect(byOther.status).toBe(404);
    expect(byOther.body.error.code).toBe('NOTIFICATION_NOT_FOUND');

    const read = await fx.plaintiff.post<NotificationView>(`/api/notifications/${target.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: target.id, read: true });
    const again = await fx.plaintiff.post<NotificationView>(`/api/notifications/${target.id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    const after = await fx.plaintiff.get<{ notifications: NotificationView[]; unread: number }>('/api/notifications');
    expect(after.body.unread).toBe(4);
    expect(after.body.notifications.find((n) => n.id === target.id)?.read).toBe(true);
    const paged = await fx.plaintiff.get<{ notifications: NotificationView[] }>(`/api/notifications?limit=1&before=${encodeURIComponent(list.body.notifications[0]!.createdAt)}`);
    expect(paged.body.notifications.map((n) => n.id)).toEqual([target.id]);
    expect((await fx.plaintiff.get('/api/notifications?limit=0')).status).toBe(400);
    expect((await new ApiClient(server.url).get('/api/notifications')).status).toBe(401);
  });

  it('records a refused email as failed and no address as none', async () => {
    const other = await feeSettledCase(server, 2);
    await other.plaintiff.put('/api/notifications/settings', { email: 'nobody@bounce.example', language: 'en' });
    await other.mediator.post(`/api/cases/${other.caseId}/mediation`, { action: 'offer' });
    const failed = await waitFor(async () => {
      const n = await waitForNotification(other.plaintiff, (x) => x.type === 'mediation.offer');
      return n.email.status === 'pending' ? undefined : n;
    }, 'the failed email outcome');
    expect(failed.email.status).toBe('failed');
    expect(failed.email.error).toBeTruthy();

    // The defendant removed their address above: a notification to them is stored with email none.
    await fx.mediator.post(`/api/cases/${fx.caseId}/agreements`, { title: '调解协议', terms: ['被告支付工资五千元。'], signatories: [fx.ids.plaintiff, fx.ids.defendant] });
    const none = await waitForNotification(fx.defendant, (n) => n.type === 'agreement.toSign');
    expect(none.email.status).toBe('none');
  });
});

