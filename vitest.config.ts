import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A throwaway PostgreSQL 15 cluster for the run, when PostgreSQL is installed (tests/helpers-postgres.ts).
    globalSetup: ['tests/postgres-cluster.ts'],
  },
});
