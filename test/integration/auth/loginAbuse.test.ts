import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientIp } from '../../../server/auth/rateLimitReply.js';
import { loadConfig } from '../../../server/config.js';
import { createApp } from '../../../server/http/expressApp.js';
import { createLogger } from '../../../server/logger.js';
import { createPersonalDataCipher } from '../../../server/privacy/personalData.js';
import { REGISTER_LIMIT_PER_IP } from '../../../server/users/authRoutes.js';
import { registerParty as registerPartyAccount } from '../../../server/users/userService.js';
import { startServer } from '../../../server/server.js';
import { ApiClient, lastSmsCode, registerParty, requestSmsCode, validIdNumber } from '../../support/api.js';
import { testEnv } from '../../support/env.js';
import type { TestServer } from '../../support/server.js';

interface Err {
  error: { code: string; message: string; details?: { messageZh?: string; retryAfterSeconds?: number; retryAt?: string } };
}

describe('login and registration abuse (issue 14)', () => {
  let server: TestServer;
  const logLines: string[] = [];
  const anon = () => new ApiClient(server.url);
  const login = (phone: string, password: string, extra: Record<string, unknown> = {}) => anon().post<Err>('/api/auth/login', { phone, password, ...extra });

  beforeAll(async () => {
    const env = testEnv({ LOG_LEVEL: 'warn' });
    const running = await startServer(loadConfig(env), { logger: createLogger('warn', { write: (line: string) => void logLines.push(line) }) });
    server = { ...running, env, destroy: async () => { await running.db.connection.dropDatabase().catch(() => undefined); await running.close(); } };
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('warns at start that the published development secrets are in use', () => {
    expect(logLines.some((l) => l.includes('published development JWT_SECRET'))).toBe(true);
  });

  it('40 parallel wrong guesses and then the right password: at most 5 are evaluated and the right one does not slip through', async () => {
    await registerParty(server, '13680000001', 801, '受害人');
    const replies = await Promise.all([
      ...Array.from({ length: 39 }, (_, i) => login('13680000001', `wrong-password-${i}`)),
      login('13680000001', 'a-good-password'),
    ]);
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    const last = replies.at(-1);
    expect(last?.status).toBe(429);
    expect(last?.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    // When to try again: how long, and the clock time in Beijing.
    expect(last?.body.error.message).toMatch(/Please try again in \d+ (seconds?|minutes?), after \d{2}:\d{2} \(Beijing time\)\./);
    expect(last?.body.error.details?.messageZh).toMatch(/北京时间\d{2}:\d{2}以后）重试/);
    const retryAt = Date.parse(String(last?.body.error.details?.retryAt));
    expect(retryAt - Date.now()).toBeGreaterThan(0);
    expect(Math.abs(retryAt - Date.now() - Number(last?.headers.get('retry-after')) * 1000)).toBeLessThan(5_000);

    // Not a lockout the attacker controls: the owner passes the delay with a log-in code by SMS.
    expect((await login('13680000001', 'a-good-password')).status).toBe(429);
    const smsCode = await requestSmsCode(server, '13680000001', 'login');
    const owner = await login('13680000001', 'a-good-password', { smsCode });
    expect(owner.status).toBe(200);
    // The code is used once.
    expect((await login('13680000001', 'a-good-password', { smsCode })).body.error.code).toBe('SMS_CODE_EXPIRED');
    // And the account's count was cleared by the owner's success.
    expect((await login('13680000001', 'a-good-password')).status).toBe(200);
  });

  it('failures from one address on other accounts do not block another user behind it', async () => {
    await registerParty(server, '13680000002', 802, '同网用户');
    for (let i = 0; i < 25; i++) expect((await login(`1368100${String(i).padStart(4, '0')}`, 'not-the-password')).status).toBe(401);
    expect((await login('13680000002', 'a-good-password')).status).toBe(200);
  });

  it('registration proves the phone: no code, a wrong code, too many tries and an expired code are refused', async () => {
    const body = (smsCode: string) => ({ name: '赵六', idNumber: validIdNumber(803), phone: '13680000003', password: 'a-good-password', smsCode });
    const without = await anon().post<Err>('/api/auth/register', { ...body('x'), smsCode: undefined });
    expect(without.body.error.code).toBe('SMS_CODE_INVALID');
    // No code was asked for yet.
    expect((await anon().post<Err>('/api/auth/register', body('123456'))).body.error.code).toBe('SMS_CODE_EXPIRED');
    const code = await requestSmsCode(server, '13680000003');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await anon().post<Err>('/api/auth/register', body(wrong))).body.error.code).toBe('SMS_CODE_INVALID');
    // Five wrong tries use the code up, even for its right value.
    expect((await anon().post<Err>('/api/auth/register', body(code))).body.error.code).toBe('SMS_CODE_EXPIRED');

    // A new code, but only after a minute: asking again at once is rate limited, with a time.
    const again = await anon().post<Err>('/api/auth/sms-code', { phone: '13680000003' });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.body.error.message).toMatch(/try again in/);
    // An expired code: its ten minutes are moved into the past where the code is kept.
    await server.db.connection.collection('sms_codes').updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await anon().post<Err>('/api/auth/register', body(code))).body.error.code).toBe('SMS_CODE_EXPIRED');
  });

  it('asking for a code says nothing about whether the phone has an account; its holder is told by SMS', async () => {
    // An account made directly through the user service, so no code was asked for this phone yet.
    const deps = { connection: server.db.connection, cipher: createPersonalDataCipher(server.config.dataEncryptionKey) };
    await registerPartyAccount(deps, { name: '已注册', idNumber: validIdNumber(804), phone: '13680000004', password: 'a-good-password' });
    const known = await anon().post('/api/auth/sms-code', { phone: '13680000004' });
    const fresh = await anon().post('/api/auth/sms-code', { phone: '13680000005' });
    expect(known.status).toBe(202);
    expect(fresh.status).toBe(202);
    expect(known.body).toEqual(fresh.body);
    // The registered phone got a note, not a code (the last code it got was for its own registration, used up).
    const rows = await server.db.connection.collection<{ text: string }>('sms_outbox').find({ reference: 'auth-code' }).sort({ createdAt: -1 }).limit(2).toArray();
    expect(rows.some((r) => r.text.includes('已注册'))).toBe(true);
    expect(await lastSmsCode(server, '13680000005')).toMatch(/^\d{6}$/);
    // A log-in code is only sent to a phone with an account, with the same answer either way.
    const loginKnown = await anon().post('/api/auth/sms-code', { phone: '13680000006', purpose: 'login' });
    expect(loginKnown.status).toBe(202);
    expect(loginKnown.body).toEqual(fresh.body);
    expect(await lastSmsCode(server, '13680000006')).toBeUndefined();
    expect((await anon().post<Err>('/api/auth/sms-code', { phone: '12345' })).body.error.code).toBe('INVALID_PHONE');
  });
});

describe('registration is rate limited per address (issue 14: it had no limit)', () => {
  let server: TestServer;
  beforeAll(async () => {
    const env = testEnv();
    const running = await startServer(loadConfig(env));
    server = { ...running, env, destroy: async () => { await running.db.connection.dropDatabase().catch(() => undefined); await running.close(); } };
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('counts every attempt from one address, whatever its answer, and refuses past the limit with a time to retry', async () => {
    const anon = new ApiClient(server.url);
    const attempt = (i: number) =>
      anon.post<Err>('/api/auth/register', { name: '钱七', idNumber: validIdNumber(800 + i), phone: `1369000${String(i).padStart(4, '0')}`, password: 'a-good-password', smsCode: '000000' });
    for (let i = 0; i < REGISTER_LIMIT_PER_IP.max; i++) expect((await attempt(i)).status).not.toBe(429);
    const refused = await attempt(REGISTER_LIMIT_PER_IP.max);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('X-Forwarded-For is believed only from TRUSTED_PROXIES', () => {
  async function seenIp(trustedProxies: string[] | undefined, forwardedFor: string): Promise<string> {
    const echo = Router();
    echo.get('/api/ip', (req, res) => void res.json({ ip: clientIp(req) }));
    const app = createApp({ logger: createLogger('silent'), clientDistDir: '/nonexistent', routers: [echo], ...(trustedProxies ? { trustedProxies } : {}) });
    const srv = http.createServer(app);
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
    try {
      const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/ip`, { headers: { 'x-forwarded-for': forwardedFor } });
      return ((await res.json()) as { ip: string }).ip;
    } finally {
      await new Promise((resolve) => srv.close(resolve));
    }
  }

  it('ignores the header from a client that is not a named proxy, even on loopback', async () => {
    expect(await seenIp(undefined, '203.0.113.9')).toMatch(/127\.0\.0\.1$/);
    expect(await seenIp(['10.0.0.5'], '203.0.113.9')).toMatch(/127\.0\.0\.1$/);
  });

  it('uses it from a named proxy', async () => {
    expect(await seenIp(['127.0.0.1'], '203.0.113.9')).toBe('203.0.113.9');
  });
});
