import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { KIND_HOOK_TIMEOUT_MS, KIND_TEST_TIMEOUT_MS } from './reports/kind-test-timeouts.ts';
import { verdictListener } from './reports/allure-verdicts.ts';
import { outDir } from './reports/out-dir.ts';

const out = outDir();

/**
 * Lab profile files at once: one per CPU, and at least 3, since their checks mostly wait on the network. Measured on
 * 2 cores with the neighbour queues bounded (clusters/lab/neighbour-queues.ts): 3 at once 74.7-89.6 s a run (median
 * 78-81 s), 40 of 40 runs green in four batches of ten; 2 at once about 90 s. Before that bound, 3 at once was 16 of 20 green: echo replies stuck behind one lab's
 * broken neighbour took every other lab's replies with them.
 */
function labWorkers(): number {
  const n = Number(process.env.CNI_CONFORMANCE_LAB_WORKERS ?? Math.max(3, availableParallelism()));
  if (!Number.isInteger(n) || n < 1) throw new Error(`CNI_CONFORMANCE_LAB_WORKERS=${process.env.CNI_CONFORMANCE_LAB_WORKERS}: expected a whole number >= 1`);
  return n;
}

const reporters = [
  'default',
  ['junit', { outputFile: join(out, 'junit.xml') }],
  ['allure-vitest/reporter', { resultsDir: join(out, 'allure-results'), listeners: [verdictListener] }],
  './reports/summary-reporter.ts',
] as const;

export default defineConfig({
  test: {
    reporters: [...reporters] as never,
    setupFiles: ['allure-vitest/setup'],
    projects: [
      {
        extends: true,
        // @actions/workflow-parser's source maps name files it does not ship: vite would warn once per module.
        logLevel: 'error',
        test: {
          name: 'unit',
          // The unit tests assert what they check; the timeout only catches a hang. vitest's 5 s default timed out cold
          // report builds and CLI runs on a loaded 2-core machine (CI runs unit and lab tests side by side).
          testTimeout: 60_000,
          // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`: vite transforms it instead of Node.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
          include: ['{helpers,clusters,suites,reports,cli,bench,mutate,images}/**/*.test.ts'],
          exclude: ['**/*.lab.test.ts', '**/*.kind.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: ['{suites,clusters,mutate}/**/*.lab.test.ts'],
          globalSetup: ['./clusters/lab/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // Each profile file builds its own topology; CNI_CONFORMANCE_LAB_WORKERS at a time (default: one per CPU).
          maxWorkers: labWorkers(),
        },
      },
      {
        extends: true,
        test: {
          name: 'kind',
          include: ['suites/**/*.kind.test.ts'],
          globalSetup: ['./clusters/kind/global-setup.ts'],
          // The nightly's kind jobs are sized from these (reports/job-timeout.ts).
          testTimeout: KIND_TEST_TIMEOUT_MS,
          hookTimeout: KIND_HOOK_TIMEOUT_MS,
          maxWorkers: 1,
        },
      },
    ],
  },
});
