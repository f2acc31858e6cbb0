import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/tmp.ts', 'test/setup/redis.ts', 'test/setup/postgres.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores in CI: files run in parallel, but each uses its own key prefix on the shared redis-server.
    fileParallelism: true,
  },
});
