import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { testEnv } from './env.js';

export interface TestServer extends RunningServer {
  env: NodeJS.ProcessEnv;
  /** Drop this test's database, then close the server. */
  destroy(): Promise<void>;
}

/** A real server (real database, real mediasoup workers) on port 0. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const env = testEnv(overrides);
  const server = await startServer(loadConfig(env));
  return {
    ...server,
    env,
    destroy: async () => {
      await server.db.connection.dropDatabase().catch(() => undefined);
      await server.close();
    },
  };
}

/** Start again on the same database, as after a process restart. */
export async function restartTestServer(previous: TestServer): Promise<TestServer> {
  await previous.close();
  const server = await startServer(loadConfig(previous.env));
  return {
    ...server,
    env: previous.env,
    destroy: async () => {
      await server.db.connection.dropDatabase().catch(() => undefined);
      await server.close();
    },
  };
}
