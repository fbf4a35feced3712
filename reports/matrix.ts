import { createHash } from 'node:crypto';
import { allProfiles, qualifiedName } from '../clusters/profiles/index.ts';
import type { Profile } from '../clusters/types.ts';
import { calicoBehaviours } from '../suites/calico/index.ts';
import { ciliumBehaviours } from '../suites/cilium/index.ts';
import { crossBehaviours } from '../suites/cross/index.ts';
import { flannelBehaviours } from '../suites/flannel/index.ts';
import { fundamentalsBehaviours } from '../suites/fundamentals/index.ts';
import type { ProvisioningRecord } from '../suites/convergence.ts';
import { cellKey, convergenceByCell, type ControlConvergence, type RunConvergence, runConvergence } from './convergence.ts';
import type { RunMeta } from './run-meta.ts';

/** The parts of an Allure result file the matrix reads. */
export interface AllureResult {
  uuid?: string;
  name: string;
  fullName?: string;
  status: 'passed' | 'failed' | 'broken' | 'skipped' | 'unknown';
  statusDetails?: { message?: string };
  description?: string;
  start?: number;
  stop?: number;
  labels: Array<{ name: string; value: string }>;
  attachments?: AllureAttachment[];
  /** allure-vitest wraps each attachment in a step of the same name. */
  steps?: AllureStep[];
}

export interface AllureAttachment { name: string; source: string; type?: string }
export interface AllureStep { name?: string; attachments?: AllureAttachment[]; steps?: AllureStep[] }

/** Every attachment of a result, its steps' included, depth first. */
export function attachmentsOf(r: { attachments?: AllureAttachment[]; steps?: AllureStep[] }): AllureAttachment[] {
  return [...(r.attachments ?? []), ...(r.steps ?? []).flatMap(attachmentsOf)];
}

/**
 * A cell's verdict: FAIL is a confirmed datapath failure, INCONCLUSIVE a check that could not observe (Allure "unknown",
 * reports/allure-verdicts.ts), ERROR a harness error (Allure "broken": the probe or the harness threw). missing: the
 * profile's run finished without a result for a behaviour it claims (a harness gap); noresult: nothing came back for it
 * (its job did not finish or left no results), so nothing is known.
 */
export type CellState = 'pass' | 'fail' | 'inconclusive' | 'error' | 'skip' | 'na' | 'missing' | 'noresult';

export interface Cell {
  state: CellState;
  /** Negative controls of this behaviour on this profile that passed, of how many there are (skipped and inconclusive ones apart). */
  controls?: { passed: number; total: number; skipped: number; inconclusive?: number };
  durationMs?: number;
  /** Link to the behaviour's test in the Allure report, relative to the matrix page. */
  href?: string;
  /** Why it was skipped or failed (first line). */
  reason?: string;
  /** Each negative control's break and heal times in the latest run, with the earlier runs' heal times (reports/convergence.ts). */
  convergence?: ControlConvergence[];
}

export interface Column {
  profile: string;
  provider: string;
  cni: string;
  /** The profile's topology picture, relative to the matrix page, when one was attached. */
  topology?: string;
  /** Asked for, but its run ended before any result (e.g. kind failed to come up): why. */
  noResults?: string;
  /** How long each of its clusters took to come up, phase by phase (the latest run that recorded it). */
  provisioning?: ProvisioningRecord[];
}

/**
 * What `npm run matrix` asked one vitest run for (requested.json beside its results): written before vitest starts as
 * "did not finish", rewritten as "finished" with vitest's exit code when it ends, so a killed job still says so.
 */
export interface RequestedRun {
  provider: string;
  profiles: string[];
  /** Absent in files written before the status existed: those were written when the run had ended. */
  status?: 'did not finish' | 'finished';
  exitCode?: number;
}

const finished = (run: RequestedRun) => run.status !== 'did not finish';

/** Why a requested profile has no result at all, in words for the column header. */
function noResultReason(run: RequestedRun | undefined, profile: string): string {
  if (!run) return `no result came back for ${profile}: its job left no results (skipped, cancelled, or it lost its runner); see the workflow run`;
  return finished(run)
    ? `the ${run.provider} run asked for it ended (exit ${run.exitCode ?? 'unknown'}) before any result of ${profile}; see that job's log`
    : `the ${run.provider} run asked for it did not finish (killed or timed out) before any result of ${profile}; see that job's log`;
}

export interface RowGroup {
  name: string;
  rows: Array<{ id: string; title: string }>;
}

export interface Matrix {
  generatedAt: string;
  runs: RunMeta[];
  versions: Record<string, string>;
  groups: RowGroup[];
  columns: Column[];
  /** cells[behaviour id][qualified profile]. */
  cells: Record<string, Record<string, Cell>>;
}

/** The catalogue's rows, grouped as BEHAVIOURS.md groups them. */
export const CATALOGUE_GROUPS: RowGroup[] = [
  { name: 'Cilium', rows: ciliumBehaviours.map((b) => ({ id: b.id, title: b.title })) },
  { name: 'Calico', rows: calicoBehaviours.map((b) => ({ id: b.id, title: b.title })) },
  { name: 'Flannel', rows: flannelBehaviours.map((b) => ({ id: b.id, title: b.title })) },
  { name: 'fundamentals', rows: fundamentalsBehaviours.map((b) => ({ id: b.id, title: b.title })) },
  { name: 'cross-CNI', rows: crossBehaviours.map((b) => ({ id: b.id, title: b.title })) },
];

/** Column groups, left to right; `none` is the fundamentals' labs (no CNI). */
export const CNI_ORDER = ['cilium', 'calico', 'flannel', 'none'];

const label = (r: AllureResult, name: string) => r.labels.find((l) => l.name === name)?.value;

/** How Allure 3 names a test result in its report: md5 of the result file's uuid (@allurereport/core@3.18.0 dist/store/convert.js, md5 from plugin-api utils/misc.js). */
export const allureTestId = (uuid: string) => createHash('md5').update(uuid).digest('hex');

/**
 * The awesome report opens a test result at index.html#<id>, in both of its forms: its router reads the path from
 * location.hash and routes "/:testResultId/:tab?" to that test (@allurereport/plugin-awesome@3.18.0 dist/static/report.tar,
 * the web-awesome bundle: testResultRoute of src/stores/router.ts, web-commons' hash router), and the test's data comes
 * from data/test-results/<id>.json, fetched from a folder or read from the single file's embedded copy (web-commons
 * dist/data.js reportDataUrl). core@3.18.0 dist/history.js resolveTestResultUrl links history the same way.
 * reports/site.test.ts clicks such links in both forms.
 */
export const allureHref = (uuid: string, report = 'allure-report') => `${report}/index.html#${allureTestId(uuid)}`;

/** Skip reason: allure-vitest@3.12.2 drops ctx.skip's note (dist/reporter.js, case "skip"), so run.json's notes (by fullName) come first, then Allure's own text. */
function reasonOf(r: AllureResult, skipNotes: Record<string, string>): string | undefined {
  const note = r.fullName ? Object.entries(skipNotes).find(([key]) => r.fullName!.endsWith(key))?.[1] : undefined;
  const text = note ?? r.statusDetails?.message ?? r.description?.replace(/^Skipped: /, '');
  return headline(text);
}

/** The first line of a reason; a heading ("X-POD-1 does not hold:") with its first item, so the cell says what failed. */
export function headline(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const [first, second] = lines;
  if (!first) return undefined;
  return first.endsWith(':') && second ? `${first} ${second.replace(/^- /, '')}` : first;
}

export interface MatrixInput {
  results: AllureResult[];
  runs?: RunMeta[];
  /** Runs and the profiles they were asked for: a profile without results still gets its column. */
  requested?: RequestedRun[];
  /** Every profile the whole run asked for (the nightly's profile lists): one whose job left nothing still gets a column. */
  expected?: string[];
  /** Topology picture per qualified profile, relative to the page. */
  topologies?: Record<string, string>;
  profiles?: readonly Profile[];
  groups?: RowGroup[];
  versions?: Record<string, string>;
  now?: Date;
  /** Earlier runs' control timings (the convergence history): the trend each control's heal time is compared with. */
  convergenceHistory?: RunConvergence[];
}

/**
 * The behaviour x profile matrix: one row per catalogue id, one column per profile that has results. A cell is the
 * behaviour test's outcome with its negative controls; n/a where the profile does not claim the behaviour.
 * A test that ran in several merged folders counts once, the latest.
 */
export function buildMatrix(input: MatrixInput): Matrix {
  const { results, runs = [], topologies = {}, profiles = allProfiles(), groups = CATALOGUE_GROUPS, versions = {} } = input;
  const skipNotes = Object.assign({}, ...runs.map((r) => r.skipNotes ?? {})) as Record<string, string>;
  const latest = new Map<string, AllureResult>();
  for (const r of results) {
    const key = r.fullName ?? `${label(r, 'provider')}/${label(r, 'profile')}#${r.name}`;
    const seen = latest.get(key);
    if (!seen || (r.stop ?? 0) >= (seen.stop ?? 0)) latest.set(key, r);
  }
  const known = new Map(profiles.map((p) => [qualifiedName(p), p]));
  const columns = new Map<string, Column>();
  const behaviourResults = new Map<string, AllureResult>();
  const controls = new Map<string, AllureResult[]>();
  for (const r of latest.values()) {
    const [id, name, provider, cni, check] = ['behaviour', 'profile', 'provider', 'cni', 'check'].map((n) => label(r, n));
    if (!id || !name || !provider || !cni) continue;
    const profile = `${provider}/${name}`;
    if (!columns.has(profile)) columns.set(profile, { profile, provider, cni, ...(topologies[profile] ? { topology: topologies[profile] } : {}) });
    const key = cellKey(id, profile);
    if (check === 'behaviour') behaviourResults.set(key, r);
    else if (check === 'negative-control') controls.set(key, [...(controls.get(key) ?? []), r]);
  }
  const requestedBy = new Map((input.requested ?? []).flatMap((run) => run.profiles.map((p) => [p, run] as const)));
  for (const profile of [...requestedBy.keys(), ...(input.expected ?? [])].filter((p) => !columns.has(p))) {
    const p = known.get(profile);
    const run = requestedBy.get(profile);
    columns.set(profile, { profile, provider: p?.provider ?? run?.provider ?? profile.split('/')[0]!, cni: p?.cni ?? 'unknown', noResults: noResultReason(run, profile) });
  }
  const cniRank = (c: string) => (CNI_ORDER.includes(c) ? CNI_ORDER.indexOf(c) : CNI_ORDER.length);
  const ordered = [...columns.values()].sort((a, b) => cniRank(a.cni) - cniRank(b.cni) || a.cni.localeCompare(b.cni) || a.provider.localeCompare(b.provider) || a.profile.localeCompare(b.profile));
  const catalogued = new Set(groups.flatMap((g) => g.rows.map((r) => r.id)));
  const strays = [...new Set([...behaviourResults.keys()].map((k) => k.split(' ')[0]!))].filter((id) => !catalogued.has(id));
  const allGroups = strays.length ? [...groups, { name: 'not in the catalogue', rows: strays.sort().map((id) => ({ id, title: '' })) }] : groups;
  // Control timings: the latest of each control, from this build's runs only (the history gives the trend, not the value).
  const current = new Set(runs.map((r) => r.startedAt));
  const timings = convergenceByCell([...(input.convergenceHistory ?? []), ...runs.map(runConvergence)]);
  const newestFirst = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  for (const col of ordered) {
    const recorded = newestFirst.map((r) => (r.provisioning ?? []).filter((p) => p.profile === col.profile)).find((p) => p.length > 0);
    if (recorded) col.provisioning = recorded;
  }
  const cells: Matrix['cells'] = {};
  for (const row of allGroups.flatMap((g) => g.rows)) {
    for (const col of ordered) {
      const key = cellKey(row.id, col.profile);
      const r = behaviourResults.get(key);
      const claimed = known.get(col.profile)?.behaviours.includes(row.id);
      const cell: Cell = r ? cellOf(r, controls.get(key) ?? [], skipNotes) : claimed ? absentCell(col, requestedBy.get(col.profile)) : { state: 'na' };
      const convergence = timings.get(key)?.filter((c) => current.has(c.at));
      if (r && convergence?.length) cell.convergence = convergence;
      (cells[row.id] ??= {})[col.profile] = cell;
    }
  }
  return { generatedAt: (input.now ?? new Date()).toISOString(), runs, versions, groups: allGroups, columns: ordered, cells };
}

/** A claimed behaviour without a result: "no result" when its run did not finish or left nothing, else "not run". */
function absentCell(col: Column, run: RequestedRun | undefined): Cell {
  if (col.noResults) return { state: 'noresult', reason: col.noResults };
  if (run && !finished(run)) return { state: 'noresult', reason: `the ${run.provider} run did not finish (killed or timed out) before this test` };
  return { state: 'missing' };
}

function cellOf(r: AllureResult, negatives: AllureResult[], skipNotes: Record<string, string>): Cell {
  const state = STATE_OF_STATUS[r.status];
  const ran = negatives.filter((n) => n.status !== 'skipped');
  const reason = state === 'pass' ? undefined : reasonOf(r, skipNotes);
  return {
    state,
    ...(negatives.length ? { controls: {
      passed: ran.filter((n) => n.status === 'passed').length, total: negatives.length, skipped: negatives.length - ran.length,
      ...(ran.some((n) => n.status === 'unknown') ? { inconclusive: ran.filter((n) => n.status === 'unknown').length } : {}),
    } } : {}),
    ...(r.start !== undefined && r.stop !== undefined ? { durationMs: r.stop - r.start } : {}),
    ...(r.uuid ? { href: allureHref(r.uuid) } : {}),
    ...(reason ? { reason } : {}),
  };
}

const STATE_OF_STATUS: Record<AllureResult['status'], CellState> = { passed: 'pass', failed: 'fail', unknown: 'inconclusive', broken: 'error', skipped: 'skip' };

export const MARK: Record<CellState, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', error: 'ERROR', skip: 'SKIP', na: 'n/a', missing: 'not run', noresult: 'no result' };

export const formatDuration = (ms: number) => (ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** "NC 2/3 · 4.1 s", "NC 0/1 (1 skipped) · 1 ms": negative controls passed of total, and the behaviour's duration. */
export function cellDetail(c: Cell): string {
  const notRun = [c.controls?.inconclusive ? `${c.controls.inconclusive} inconclusive` : '', c.controls?.skipped ? `${c.controls.skipped} skipped` : ''].filter(Boolean).join(', ');
  const nc = c.controls ? `NC ${c.controls.passed}/${c.controls.total}${notRun ? ` (${notRun})` : ''}` : '';
  return [nc, c.durationMs !== undefined ? formatDuration(c.durationMs) : ''].filter(Boolean).join(' · ');
}

/** Distinct kernels of the merged runs, each with the hosts that ran it. */
export function kernels(runs: RunMeta[]): string {
  const by = new Map<string, Set<string>>();
  for (const r of runs) by.set(r.kernel, (by.get(r.kernel) ?? new Set()).add(r.host));
  return [...by].map(([k, hosts]) => `${k} (${[...hosts].join(', ')})`).join('; ') || 'unknown (no run.json in the merged folders)';
}
