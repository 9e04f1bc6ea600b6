import crypto from 'node:crypto';

/**
 * Integration tests run against a real MongoDB-compatible server named by
 * MONGODB_URI (.ci/run starts FerretDB). Each test file gets its own database
 * so files can run in parallel without seeing each other's data.
 */
export function requireMongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    throw new Error(
      'MONGODB_URI is not set. Integration tests need a real MongoDB-compatible server; .ci/run starts FerretDB, or export MONGODB_URI=mongodb://127.0.0.1:27017/microcourt',
    );
  }
  return uri;
}

export function uniqueDatabaseUri(prefix = 'mctest'): string {
  const url = new URL(requireMongoUri());
  url.pathname = `/${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  return url.toString();
}

/** Environment for a server under test: port 0, quiet logs, free WebRTC ports. */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    // TEST_LOG_LEVEL=warn shows the servers' logs while hunting a failure.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_URI: uniqueDatabaseUri(),
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    MEDIASOUP_WEBRTC_PORT: '0',
    MEDIASOUP_LOG_LEVEL: 'error',
    // Tests run the deadline sweep themselves, at the instants they choose.
    SWEEP_INTERVAL_SECONDS: '0',
    ...overrides,
  };
}
