import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Without MONGODB_URI: the embedded FerretDB from `npm run setup:offline`.
    globalSetup: ['test/support/globalDatabase.ts'],
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // Integration tests start real servers, mediasoup workers, ffmpeg recorders and
    // Chromium; on two cores a second file beside the recording and media tests
    // starves their real-time media (recordings started late in three full runs of
    // 2026-12-04), so files run one at a time. Slower, but timing no longer depends on
    // which file happens to run alongside.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
