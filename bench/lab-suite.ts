/** The lab project as CI runs it, timed: wall time, then where the time went (from the Allure results' steps). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface SuiteRun {
  wallMs: number;
  exitCode: number;
  summary: string;
  resultsDir: string;
}

/** Runs `vitest run --project lab` into a folder of its own, so that reports/out stays as the user left it. */
export async function runLabSuite(filters: string[]): Promise<SuiteRun> {
  const out = mkdtempSync(join(tmpdir(), 'cni-conformance-bench-'));
  const start = performance.now();
  const run = await execa('npx', ['vitest', 'run', '--project', 'lab', ...filters], {
    reject: false, all: true, env: { CNI_CONFORMANCE_OUT: out }, stdin: 'ignore',
  });
  const wallMs = performance.now() - start;
  const summary = String(run.all ?? '').trim().split('\n').filter((l) => /^\d+ passed, \d+ failed/.test(l)).pop() ?? '(no summary line)';
  return { wallMs, exitCode: run.exitCode ?? 1, summary, resultsDir: join(out, 'allure-results') };
}
