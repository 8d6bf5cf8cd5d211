import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (`*.test.ts`); integration tests (`*.int.test.ts`) talk to the
// real daemons of a test fleet (e2e/fleet) that each file starts and stops; they share the
// loopback addresses, so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,electron,renderer,e2e,build}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{shared,electron,e2e}/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
