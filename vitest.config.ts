import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One graphql-js, the one Node loads (`main`, CommonJS) as under `npm start`: Vite would pick the
// package's ES build for our imports while graphql-jit's import gets Node's, and graphql-js refuses
// types from "another module or realm".
const resolve = {
  alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
};

// Four projects: unit tests beside the code; CDK assertions sharing one synth; integration tests
// sharing one local stack (started once by the global setup, on free ports, data in a temp folder);
// the reliability suite (tests/reliability/: authorization, bad files, faults, kill -9) on its own stack.
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['{contracts,resolvers,functions,local,infra,client-sdk,bench,web/src}/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve,
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          globalSetup: ['tests/infra/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          // The browser tests share the integration suite's stack.
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve,
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
