import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_ENCRYPTION_KEY, DEV_JWT_SECRET, loadConfig } from '../../../server/config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('applies documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.mongodbUri).toBeUndefined();
    expect(c.mediasoup.webRtcPort).toBe(44444);
    expect(c.mediasoup.numWorkers).toBeGreaterThanOrEqual(1);
    expect(c.dataEncryptionKey).toHaveLength(32);
  });

  it('names the variable of each bad value', () => {
    expect(problemsOf({ PORT: 'eighty' })[0]).toMatch(/^PORT /);
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT /);
    expect(problemsOf({ MONGODB_URI: 'postgres://x' })[0]).toMatch(/^MONGODB_URI must start with mongodb:\/\//);
    expect(problemsOf({ MEDIASOUP_WORKERS: '0' })[0]).toMatch(/^MEDIASOUP_WORKERS /);
    expect(problemsOf({ MEDIASOUP_LISTEN_IP: 'not-an-ip' })[0]).toMatch(/^MEDIASOUP_LISTEN_IP /);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL /);
    expect(problemsOf({ MEDIASOUP_RTC_MIN_PORT: '5000', MEDIASOUP_RTC_MAX_PORT: '4000' })[0]).toMatch(
      /^MEDIASOUP_RTC_MIN_PORT must not be greater/,
    );
  });

  it('refuses development secrets in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toContain('JWT_SECRET is required when NODE_ENV=production');
    expect(problems).toContain('DATA_ENCRYPTION_KEY is required when NODE_ENV=production');
    // The court signs with its own certificate; the generated development one is refused.
    expect(problems).toContain('COURT_SIGNING_P12 is required when NODE_ENV=production');
    expect(
      problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATA_ENCRYPTION_KEY: 'ab'.repeat(32), COURT_SIGNING_P12: '/run/secrets/court.p12' }),
    ).toEqual([]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', MEDIASOUP_ANNOUNCED_IP: '' }).mongodbUri).toBeUndefined();
  });

  it('refuses the published development secrets in production, and flags them elsewhere', () => {
    const own = { JWT_SECRET: 'x'.repeat(32), DATA_ENCRYPTION_KEY: 'ab'.repeat(32), COURT_SIGNING_P12: '/etc/microcourt/court.p12' };
    expect(problemsOf({ NODE_ENV: 'production', ...own, JWT_SECRET: DEV_JWT_SECRET })).toEqual([
      'JWT_SECRET is the published development value; set a secret of your own when NODE_ENV=production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', ...own, DATA_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY.toUpperCase() })).toEqual([
      'DATA_ENCRYPTION_KEY is the published development value; set a key of your own when NODE_ENV=production',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', ...own }).developmentSecrets).toBe(false);
    expect(loadConfig({}).developmentSecrets).toBe(true);
    expect(loadConfig({ JWT_SECRET: DEV_JWT_SECRET, DATA_ENCRYPTION_KEY: 'ab'.repeat(32) }).developmentSecrets).toBe(true);
  });

  it('reads TRUSTED_PROXIES as IP addresses and CIDR ranges only', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.5, 10.1.0.0/16 ,::1' }).trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    for (const bad of ['loopback', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/8']) {
      expect(problemsOf({ TRUSTED_PROXIES: bad })[0]).toMatch(/^TRUSTED_PROXIES/);
    }
  });
});
