import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeTimings, seconds, type ControlTimings, type ConvergenceRecord } from '../suites/convergence.ts';
import type { RunMeta } from './run-meta.ts';
import { median } from '../helpers/stats.ts';

/** One run's control timings, as run.json holds them and the convergence history keeps them. */
export type RunConvergence = Pick<RunMeta, 'startedAt' | 'host'> & { convergence: ConvergenceRecord[] };

/** A run's control timings as the history keeps them: when and where it ran, and what it measured (none when absent). */
export const runConvergence = (r: Pick<RunMeta, 'startedAt' | 'host' | 'convergence'>): RunConvergence =>
  ({ startedAt: r.startedAt, host: r.host, convergence: r.convergence ?? [] });

/** One control of a matrix cell: its latest timings, the heal times of the runs before, and a flag when it grew. */
export interface ControlConvergence extends ControlTimings {
  control: string;
  /** When the latest run started (run.json startedAt). */
  at: string;
  /** Heal times of the earlier runs, oldest first (null: not healed within its deadline), at most TREND.runs of them. */
  earlier: Array<number | null>;
  /** Median of `earlier`'s heal times, when there are enough of them to compare (TREND.minRuns). */
  medianMs?: number;
  /** Why the latest heal time is flagged: it grew beyond the recent median by the margin (TREND). */
  slower?: string;
}

/**
 * When a heal time counts as grown. The median of the last 10 runs ignores one-off spikes (a busy CI runner); 3 earlier
 * runs at least, or there is nothing to compare with. Flagged only when it is both more than twice that median and at
 * least 2 s above it: twice, because a regression worth a look doubles rather than drifts (kube-burner-ocp#407 went from
 * 5 s to 60 s); 2 s, because kind's recovery check probes every 2 s (suites/check.ts recoveryIntervalMs), so one extra
 * round of it is noise, and on the lab, where heals take tens of ms to a few seconds on shared cores, a doubling of a
 * few hundred ms is scheduling, not convergence.
 */
export const TREND = { runs: 10, minRuns: 3, factor: 2, marginMs: 2_000 } as const;

/** The flag of a heal time against the earlier ones, or undefined when it did not grow beyond the margin. */
export function slowerThanUsual(latest: ControlTimings, earlier: ReadonlyArray<number | null>): { medianMs?: number; slower?: string } {
  const healed = earlier.filter((e): e is number => e !== null);
  if (healed.length < TREND.minRuns) return {};
  const medianMs = median(healed);
  const now = latest.healedAfterMs ?? latest.deadlineMs;
  const grown = now > TREND.factor * medianMs && now - medianMs >= TREND.marginMs;
  if (!grown) return { medianMs };
  const what = latest.healedAfterMs === undefined ? `not healed within ${seconds(latest.deadlineMs)}` : `healed in ${seconds(now)}`;
  return { medianMs, slower: `${what}, median ${seconds(medianMs)} over the ${healed.length} runs before` };
}

const runKey = (r: Pick<RunMeta, 'startedAt' | 'host'>) => `${r.startedAt} ${r.host}`;
export const cellKey = (behaviour: string, profile: string) => `${behaviour} ${profile}`;

/**
 * Each cell's controls (key `behaviour profile`): the latest run's timings of each, with the heal times of the runs before
 * it (history first, then the merged runs; a run seen twice counts once) and the flag when it grew.
 */
export function convergenceByCell(runs: readonly RunConvergence[]): Map<string, ControlConvergence[]> {
  const unique = new Map(runs.map((r) => [runKey(r), r]));
  const ordered = [...unique.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const series = new Map<string, Array<{ at: string; record: ConvergenceRecord }>>();
  for (const run of ordered) {
    for (const record of run.convergence) {
      const key = `${cellKey(record.behaviour, record.profile)}\n${record.control}`;
      series.set(key, [...(series.get(key) ?? []), { at: run.startedAt, record }]);
    }
  }
  const cells = new Map<string, ControlConvergence[]>();
  for (const points of series.values()) {
    const { at, record } = points.at(-1)!;
    const earlier = points.slice(0, -1).slice(-TREND.runs).map((p) => p.record.healedAfterMs ?? null);
    const { behaviour, profile, control, brokenAfterMs, undoneAfterMs, healedAfterMs, deadlineMs } = record;
    const latest: ControlTimings = { brokenAfterMs, undoneAfterMs, ...(healedAfterMs === undefined ? {} : { healedAfterMs }), deadlineMs };
    const key = cellKey(behaviour, profile);
    cells.set(key, [...(cells.get(key) ?? []), { control, at, ...latest, earlier, ...slowerThanUsual(latest, earlier) }]);
  }
  return cells;
}

/** The control that took longest to heal (one not healed first): the cell shows it. */
export function slowest(controls: readonly ControlConvergence[]): ControlConvergence | undefined {
  const heal = (c: ControlConvergence) => c.healedAfterMs ?? Number.POSITIVE_INFINITY;
  return [...controls].sort((a, b) => heal(b) - heal(a))[0];
}

/** The cell's line: "healed in 2.4 s of 60 s", the slowest control's when there are several. */
export function convergenceLine(controls: readonly ControlConvergence[]): string | undefined {
  const c = slowest(controls);
  if (!c) return undefined;
  const of = controls.length > 1 ? ` (slowest of ${controls.length} NC)` : '';
  return c.healedAfterMs === undefined ? `not healed within ${seconds(c.deadlineMs)}${of}` : `healed in ${seconds(c.healedAfterMs)} of ${seconds(c.deadlineMs)}${of}`;
}

/** The trend of the cell's slowest control: its earlier heal times, then the latest ("0.9 → 1.0 → 2.4 s"). */
export function trendLine(controls: readonly ControlConvergence[], last = 5): string | undefined {
  const c = slowest(controls);
  if (!c || c.earlier.length === 0) return undefined;
  const values = [...c.earlier, c.healedAfterMs ?? null].slice(-last);
  return `trend ${values.map((v) => (v === null ? '✗' : seconds(v))).join(' → ')}`;
}

/** Every control of a cell, one per line, for the tooltip: "proxy_arp off ...: broken after 0.3 s, healed after 0.7 s of 60 s". */
export function convergenceTitle(controls: readonly ControlConvergence[]): string {
  return controls.map((c) => `${c.control}: ${describeTimings(c)}${c.medianMs !== undefined ? ` (median ${seconds(c.medianMs)} before)` : ''}`).join('\n');
}

/** Beside Allure's history file (`.allure-history/history.jsonl` in the nightly, restored from the Actions cache). */
export const convergenceHistoryPath = (allureHistory: string) => join(dirname(allureHistory), 'convergence-history.jsonl');

/** A convergence history file read once: its lines (what an append keeps) and the runs they hold. */
export interface ConvergenceHistory {
  file: string;
  lines: string[];
  runs: RunConvergence[];
}

/** The runs a convergence history holds (one JSON line per build, each with the runs it merged); none when absent. */
export async function readConvergenceHistory(file: string): Promise<ConvergenceHistory> {
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const runs = lines.flatMap((line, i) => {
    try {
      return (JSON.parse(line) as { runs: RunConvergence[] }).runs;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  return { file, lines, runs };
}

/** Appends one line for this build (its runs that measured something) to the history as read, keeping the last `limit` builds. */
export async function appendConvergenceHistory(history: ConvergenceHistory, runs: readonly RunMeta[], builtAt: string, limit: number): Promise<void> {
  const measured = runs.map(runConvergence).filter((r) => r.convergence.length);
  if (measured.length === 0) return;
  const { file, lines } = history;
  await mkdir(dirname(file), { recursive: true });
  const line = JSON.stringify({ builtAt, runs: measured });
  if (lines.length + 1 > limit) await writeFile(file, `${[...lines.slice(lines.length + 1 - limit), line].join('\n')}\n`);
  else await appendFile(file, `${line}\n`);
}
