import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Without MONGODB_URI: the embedded FerretDB from `npm run setup:offline`.
    globalSetup: ['test/support/globalDatabase.ts'],
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // Integration tests start real servers, mediasoup workers and database
    // connections; two cores cannot run many of them at once.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
