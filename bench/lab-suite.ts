/** The lab project as CI runs it, timed: wall time, then where the time went (from the Allure results' steps). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface SuiteRun {
  wallMs: number;
  exitCode: number;
  summary: string;
  /** INCONCLUSIVE tests, as the run's closing lines count them (reports/summary-reporter.ts). */
  inconclusive: number;
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
  const lines = String(run.all ?? '').trim().split('\n');
  const summary = lines.filter((l) => /^\d+ passed, \d+ failed/.test(l)).pop() ?? '(no summary line)';
  const inconclusive = Number(/^inconclusive: (\d+)/.exec(lines.filter((l) => l.startsWith('inconclusive: ')).pop() ?? '')?.[1] ?? 0);
  return { wallMs, exitCode: run.exitCode ?? 1, summary, inconclusive, resultsDir: join(out, 'allure-results') };
}

/** `npm run conformance` (the default profile, report included) as a user runs it, timed, into a folder of its own. */
export async function runConformance(): Promise<{ wallMs: number; exitCode: number }> {
  const out = mkdtempSync(join(tmpdir(), 'cni-conformance-bench-'));
  const start = performance.now();
  const run = await execa(process.execPath, ['cli/conformance.ts'], { reject: false, all: true, env: { CNI_CONFORMANCE_OUT: out }, stdin: 'ignore' });
  return { wallMs: performance.now() - start, exitCode: run.exitCode ?? 1 };
}
