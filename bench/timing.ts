import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One Allure step or test with its wall time; steps nest as Allure writes them. */
export interface Timed {
  name: string;
  ms: number;
  steps: Timed[];
}

export interface TimedTest extends Timed {
  profile: string;
  status: string;
}

interface AllureNode {
  name?: string;
  start?: number;
  stop?: number;
  steps?: AllureNode[];
  status?: string;
  labels?: Array<{ name: string; value: string }>;
}

function timed(node: AllureNode): Timed {
  return {
    name: node.name ?? '(unnamed)',
    ms: node.start !== undefined && node.stop !== undefined ? node.stop - node.start : 0,
    steps: (node.steps ?? []).map(timed),
  };
}

/** Every test result in an allure-results folder (`*-result.json`), with its steps' wall times. */
export function readAllureTimings(dir: string): TimedTest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AllureNode)
    .map((r) => ({
      ...timed(r),
      profile: r.labels?.find((l) => l.name === 'profile')?.value ?? '(no profile)',
      status: r.status ?? 'unknown',
    }));
}

/** The kind of a negative control's or behaviour's top-level step, from the names run-profile.ts gives them. */
export function stepKind(name: string): string {
  if (name.startsWith('break: ')) return 'break (apply)';
  if (name.startsWith('restore: ')) return 'restore (undo)';
  if (/ must fail while /.test(name)) return 'check while broken';
  if (/ holds again after restoring/.test(name)) return 'check after restoring';
  if (name.startsWith('probe ')) return 'check';
  if (name === 'diagnostics') return 'diagnostics';
  return 'other';
}

/** Total wall time of top-level steps by kind, slowest first. */
export function timeByStepKind(tests: TimedTest[]): Array<{ kind: string; ms: number; count: number }> {
  const totals = new Map<string, { ms: number; count: number }>();
  for (const step of tests.flatMap((t) => t.steps)) {
    const kind = stepKind(step.name);
    const entry = totals.get(kind) ?? { ms: 0, count: 0 };
    totals.set(kind, { ms: entry.ms + step.ms, count: entry.count + 1 });
  }
  return [...totals].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => b.ms - a.ms);
}

/** Top-level steps of every test, slowest first, named by their test. */
export function slowestSteps(tests: TimedTest[], n: number): Array<{ test: string; profile: string; step: string; ms: number }> {
  return tests
    .flatMap((t) => t.steps.map((s) => ({ test: t.name, profile: t.profile, step: s.name, ms: s.ms })))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

/** Wall time of a profile's tests added up (a file runs its tests one after another). */
export function timeByProfile(tests: TimedTest[]): Array<{ profile: string; ms: number; tests: number }> {
  const totals = new Map<string, { ms: number; tests: number }>();
  for (const t of tests) {
    const entry = totals.get(t.profile) ?? { ms: 0, tests: 0 };
    totals.set(t.profile, { ms: entry.ms + t.ms, tests: entry.tests + 1 });
  }
  return [...totals].map(([profile, v]) => ({ profile, ...v })).sort((a, b) => b.ms - a.ms);
}

/** Length of the union of [start, end] intervals: the time at least one command was running. */
export function unionMs(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [start, end] of sorted) {
    if (!current || start > current[1]) {
      if (current) total += current[1] - current[0];
      current = [start, end];
    } else current[1] = Math.max(current[1], end);
  }
  if (current) total += current[1] - current[0];
  return total;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

