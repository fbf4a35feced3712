import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { outDir } from './out-dir.ts';
import { currentRunMeta, RUN_META, type RunMeta } from './run-meta.ts';

/** The key run.json files skip notes under: how Allure's fullName ends for the same test. */
export function skipKey(test: TestCase): string {
  const names: string[] = [test.name];
  for (let p = test.parent; p.type === 'suite'; p = p.parent) names.unshift(p.name);
  return `${test.module.relativeModuleId}#${names.join(' ')}`;
}

/** Ends every run with the plain line CI reads: `N passed, N failed, N skipped`; writes run.json beside the results. */
export default class SummaryReporter implements Reporter {
  private meta: RunMeta = currentRunMeta(new Date());

  /** Each run starts with empty Allure results, so the report shows this run only. */
  onInit(): void {
    rmSync(join(outDir(), 'allure-results'), { recursive: true, force: true });
    this.meta = currentRunMeta(new Date());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    /** INCONCLUSIVE tests (skipped by vitest with the verdict's note) and harness errors, counted apart. */
    const inconclusive: string[] = [];
    const errors: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') counts.passed++;
        else if (result.state === 'failed') {
          counts.failed++;
          if (!isAssertion(result.errors?.[0])) errors.push(`${test.fullName}: ${firstLine(result.errors?.[0]?.message)}`);
        } else if (result.state === 'skipped' && result.note?.startsWith('INCONCLUSIVE')) {
          inconclusive.push(`${test.fullName}: ${result.note}`);
          this.meta.skipNotes[skipKey(test)] = result.note;
        } else {
          counts.skipped++;
          if (result.state === 'skipped' && result.note) this.meta.skipNotes[skipKey(test)] = result.note;
        }
        const { convergence, located } = test.meta();
        if (convergence) (this.meta.convergence ??= []).push(convergence);
        if (located?.length) (this.meta.located ??= []).push({ test: skipKey(test), located });
      }
      for (const suite of module.children.allSuites()) {
        const provisioning = suite.meta().provisioning;
        if (provisioning?.length) (this.meta.provisioning ??= []).push(...provisioning);
      }
      // A file that failed before any test ran (setup error) counts as a failure.
      if (module.state() === 'failed' && ![...module.children.allTests()].some((t) => t.result().state === 'failed')) counts.failed++;
    }
    if (unhandledErrors.length > 0) counts.failed += unhandledErrors.length;
    mkdirSync(outDir(), { recursive: true });
    writeFileSync(join(outDir(), RUN_META), `${JSON.stringify({ ...this.meta, finishedAt: new Date().toISOString() }, null, 2)}\n`);
    // Printed at exit so that it is the last line, after other reporters' closing messages (CI reads it).
    process.once('exit', () => process.stdout.write(`\n${verdictLines(inconclusive, errors)}${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`));
  }
}

const firstLine = (text?: string) => (text ?? '').split('\n')[0] ?? '';

/** A check's failure (FAIL) is an assertion: BehaviourFailed and vitest's expect say so in their names. */
const isAssertion = (error?: { name?: string }) => /assert/i.test(error?.name ?? '');

/**
 * The lines before the plain count: INCONCLUSIVE tests (not in the counts below: neither passed, failed nor skipped)
 * and, among the failed, the harness errors (a probe or the harness threw), each with its first line.
 */
export function verdictLines(inconclusive: string[], errors: string[]): string {
  const lines: string[] = [];
  if (inconclusive.length) lines.push(`inconclusive: ${inconclusive.length} (could not observe; not counted below)`, ...inconclusive.map((l) => `  ${l}`));
  if (errors.length) lines.push(`errors: ${errors.length} of the failed are harness errors, not datapath failures`, ...errors.map((l) => `  ${l}`));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
